import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { buildBackupMeta, serializeBackupMeta } from "@nbs/metadata";
import { beforeEach, describe, expect, it } from "vitest";
import { checkShrink } from "../index.js";
import { body, s3 } from "../../test/s3-mock.js";

const OLD = "p/neo4j/neo4j-20261124T101500Z.dump";
const NEWER = "p/neo4j/neo4j-20261126T101500Z.dump";
const THIS = "p/neo4j/neo4j-20261125T101500Z.dump";

function sidecar(key: string, nodes: number, size: number): string {
  return serializeBackupMeta(
    buildBackupMeta({
      sha256: "a".repeat(64),
      size,
      db_name: "neo4j",
      created_at: new Date(),
      created_by: "t",
      tool: { name: "t", version: "1" },
      stats: { nodes, relationships: nodes },
      storage: { bucket: "bkt", key, sse: "AES256" },
    }),
  );
}

function stored(objects: Record<string, { nodes: number; size: number }>) {
  s3.on(ListObjectsV2Command).resolves({
    Contents: Object.entries(objects).flatMap(([Key, o]) => [
      { Key, Size: o.size },
      { Key: `${Key}.meta.json`, Size: 100 },
    ]),
  });
  for (const [Key, o] of Object.entries(objects)) {
    s3.on(GetObjectCommand, { Key: `${Key}.meta.json` }).callsFake(() => ({
      Body: body(sidecar(Key, o.nodes, o.size)),
    }));
    s3.on(HeadObjectCommand, { Key }).resolves({ ContentLength: o.size, ETag: '"e"' });
  }
}

function run(to: { nodes?: number; relationships?: number; size: number }) {
  const events: Array<[string, Record<string, unknown>, string | undefined]> = [];
  const result = checkShrink({
    client: new S3Client({ region: "us-east-1" }),
    bucket: "bkt",
    prefix: "p",
    db: "neo4j",
    key: THIS,
    createdAt: new Date("2026-11-25T10:15:00Z"),
    to,
    maxShrink: 0.5,
    onEvent: (e, f, l) => events.push([e, f, l]),
  });
  return { result, events };
}

describe("checkShrink", () => {
  beforeEach(() => s3.reset());

  it("records a drop beyond the share against the newest OLDER committed backup, warned", async () => {
    // The newer backup (a re-upload of an old dump meets it) is not the previous one.
    stored({ [OLD]: { nodes: 1000, size: 5000 }, [NEWER]: { nodes: 1, size: 10 } });
    const { result, events } = run({ nodes: 100, relationships: 1000, size: 4000 });
    expect(await result).toEqual({
      state: "shrunk",
      shrink: {
        from_key: OLD,
        from: { nodes: 1000, relationships: 1000, size: 5000 },
        to: { nodes: 100, relationships: 1000, size: 4000 },
        ratio: 0.1,
      },
    });
    expect(events).toContainEqual([
      "backup.shrunk",
      expect.objectContaining({ from_key: OLD, ratio: 0.1 }),
      "warn",
    ]);
  });

  it("is ok within the share, and `first` without an older backup", async () => {
    stored({ [OLD]: { nodes: 1000, size: 5000 } });
    expect(await run({ nodes: 600, relationships: 600, size: 4000 }).result).toEqual({
      state: "ok",
      from_key: OLD,
      ratio: 0.6,
    });
    s3.reset();
    stored({ [NEWER]: { nodes: 1000, size: 5000 } });
    expect(await run({ size: 1 }).result).toEqual({ state: "first" });
  });

  it("never throws when the previous backup cannot be read (no s3:ListBucket): unchecked, warned", async () => {
    s3.on(ListObjectsV2Command).rejects(
      new S3ServiceException({
        name: "AccessDenied",
        $fault: "client",
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const { result, events } = run({ size: 1 });
    expect(await result).toMatchObject({ state: "unchecked" });
    expect(events.map(([e, , l]) => [e, l])).toEqual([["backup.shrink.unchecked", "warn"]]);
  });

  it("fails with the store's TIMEOUT when the listing times out: the upload could not succeed either", async () => {
    s3.on(ListObjectsV2Command).rejects(
      Object.assign(new Error("connection timed out"), { name: "TimeoutError" }),
    );
    const { result, events } = run({ size: 1 });
    await expect(result).rejects.toMatchObject({ code: "TIMEOUT" });
    expect(events).toEqual([]);
  });
});
