import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { SetManifest } from "@nbs/metadata";
import { beforeEach, describe, expect, it } from "vitest";
import { body, preconditionFailed, s3 } from "../../test/s3-mock.js";
import { latestSetManifest, putSetManifest } from "./set-manifest.js";

const client = new S3Client({ region: "us-east-1" });
const manifest = (id: string): SetManifest => ({
  schemaVersion: 1,
  kind: "nbs-set",
  id,
  created_at: "2026-11-24T10:15:00Z",
  created_by: "test",
  tool: { name: "nbs-upload dump", version: "0.1.0" },
  members: [
    {
      db: "system",
      key: `p/system/system-${id}.dump`,
      sidecar_key: `p/system/system-${id}.dump.meta.json`,
      sha256: "a".repeat(64),
      size: 1,
    },
  ],
});
const text = (m: SetManifest) => `${JSON.stringify(m, null, 2)}\n`;

beforeEach(() => s3.reset());

describe("putSetManifest (the set's commit)", () => {
  it("writes <prefix>/sets/<id>.json with If-None-Match: *, never replacing one", async () => {
    s3.on(PutObjectCommand).resolves({});
    const key = await putSetManifest({
      client,
      bucket: "b",
      prefix: "p",
      manifest: manifest("20261124T101500Z"),
      sse: { mode: "AES256" },
    });
    expect(key).toBe("p/sets/20261124T101500Z.json");
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({
      Key: key,
      IfNoneMatch: "*",
      ServerSideEncryption: "AES256",
    });
  });

  it("a 412 over the same document (a retried PUT whose answer was lost) is success", async () => {
    const m = manifest("20261124T101500Z");
    s3.on(PutObjectCommand).rejects(preconditionFailed());
    s3.on(GetObjectCommand).resolves({
      Body: body(text(m)),
      ContentLength: text(m).length,
    });
    await expect(
      putSetManifest({ client, bucket: "b", prefix: "p", manifest: m, sse: { mode: "AES256" } }),
    ).resolves.toBe("p/sets/20261124T101500Z.json");
  });

  it("a 412 over another document is KEY_CONFLICT: never replaced", async () => {
    const m = manifest("20261124T101500Z");
    const other = text(m).replace('"test"', '"someone else"');
    s3.on(PutObjectCommand).rejects(preconditionFailed());
    s3.on(GetObjectCommand).resolves({ Body: body(other), ContentLength: other.length });
    await expect(
      putSetManifest({ client, bucket: "b", prefix: "p", manifest: m, sse: { mode: "AES256" } }),
    ).rejects.toMatchObject({ code: "KEY_CONFLICT" });
  });
});

describe("latestSetManifest", () => {
  it("is the newest manifest under <prefix>/sets/, other keys ignored", async () => {
    s3.on(ListObjectsV2Command).resolves({
      Contents: [
        { Key: "p/sets/20261124T101500Z.json" },
        { Key: "p/sets/20261125T101500Z.json" },
        { Key: "p/sets/notes.txt" },
      ],
    });
    const newest = manifest("20261125T101500Z");
    s3.on(GetObjectCommand, { Key: "p/sets/20261125T101500Z.json" }).resolves({
      Body: body(text(newest)),
      ContentLength: text(newest).length,
    });
    await expect(latestSetManifest({ client, bucket: "b", prefix: "p" })).resolves.toEqual({
      key: "p/sets/20261125T101500Z.json",
      manifest: newest,
    });
    expect(s3.commandCalls(ListObjectsV2Command)[0]!.args[0].input.Prefix).toBe("p/sets/");
  });

  it("a newest manifest that does not parse fails (SET_MANIFEST_INVALID), never an older set in its place", async () => {
    s3.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: "p/sets/20261124T101500Z.json" }, { Key: "p/sets/20261125T101500Z.json" }],
    });
    s3.on(GetObjectCommand).resolves({ Body: body("{ truncated"), ContentLength: 11 });
    await expect(latestSetManifest({ client, bucket: "b", prefix: "p" })).rejects.toMatchObject({
      code: "SET_MANIFEST_INVALID",
    });
  });

  it("none under the prefix: undefined", async () => {
    s3.on(ListObjectsV2Command).resolves({});
    await expect(latestSetManifest({ client, bucket: "b", prefix: "" })).resolves.toBeUndefined();
  });
});
