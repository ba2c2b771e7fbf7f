import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeSource, parseS3Uri, resolveSource } from "./source.js";

const temps: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "nbs-src-"));
  temps.push(dir);
  return dir;
};
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe("source resolution", () => {
  it("parses s3:// URIs and rejects anything else as a usage error", () => {
    expect(parseS3Uri("s3://acme-backups/prod/neo4j/neo4j-20261124T101500Z.dump")).toEqual({
      bucket: "acme-backups",
      key: "prod/neo4j/neo4j-20261124T101500Z.dump",
    });
    for (const bad of ["https://acme/x", "s3://acme", "s3://Bad_Bucket/x", "acme/x"]) {
      expect(() => parseS3Uri(bad), bad).toThrow(
        expect.objectContaining({ code: "S3_URI_INVALID" }),
      );
    }
  });

  it("describes each kind of source", () => {
    expect(describeSource({ kind: "s3", bucket: "b", key: "k.dump" })).toBe("s3://b/k.dump");
    expect(describeSource({ kind: "latest", bucket: "b", prefix: "/prod/", db: "neo4j" })).toBe(
      "latest under s3://b/prod/neo4j/",
    );
    expect(describeSource({ kind: "latest", bucket: "b", prefix: "" })).toBe(
      "latest under s3://b/",
    );
    expect(describeSource({ kind: "file", path: "/x.dump" })).toBe("/x.dump");
  });

  it("reads a local file's sidecar when present, and tolerates its absence", async () => {
    const dir = tempDir();
    const file = join(dir, "neo4j-20261124T101500Z.dump");
    writeFileSync(file, "DZV1xxxx");
    const ctx = { client: undefined };
    expect((await resolveSource({ kind: "file", path: file }, ctx)).meta).toBeUndefined();
    writeFileSync(
      `${file}.meta.json`,
      JSON.stringify({
        schemaVersion: 1,
        sha256: "a".repeat(64),
        size: 8,
        db_name: "neo4j",
        created_at: "2026-11-24T10:15:00Z",
        created_by: "t",
        tool: { name: "x", version: "1" },
      }),
    );
    expect((await resolveSource({ kind: "file", path: file }, ctx)).meta).toMatchObject({
      size: 8,
    });
    writeFileSync(`${file}.meta.json`, "{}");
    await expect(resolveSource({ kind: "file", path: file }, ctx)).rejects.toMatchObject({
      code: "SIDECAR_INVALID",
    });
  });

  it("rejects a missing or empty local file as an input error", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "empty.dump"), "");
    const ctx = { client: undefined };
    await expect(
      resolveSource({ kind: "file", path: join(dir, "nope.dump") }, ctx),
    ).rejects.toMatchObject({ code: "FILE_NOT_FOUND", category: "INPUT" });
    await expect(
      resolveSource({ kind: "file", path: join(dir, "empty.dump") }, ctx),
    ).rejects.toMatchObject({ code: "FILE_EMPTY", category: "INPUT" });
  });
});
