import {
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { NbsError } from "@nbs/errors";
import { describeInteg, getS3TestEnv, type S3TestEnv } from "@nbs/testenv";
import { createHash, randomBytes } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import { META, storeClient } from "./store-fixtures.js";
import { backupStream, type BackupStreamInput } from "../src/index.js";

// backupStream against the real MinIO: a stream stored in parts, committed only after finish(),
// and on any failure no object, no sidecar and no open multipart upload.

let s3: S3TestEnv;
let client: S3Client;
let bucket: string;
const MIB = 1024 * 1024;

beforeAll(async () => {
  s3 = await getS3TestEnv();
  client = storeClient(s3);
  bucket = await s3.createBucket("stream");
});

async function* chunks(bytes: Buffer, failAt?: number) {
  for (let at = 0; at < bytes.length; at += 256 * 1024) {
    await Promise.resolve();
    if (failAt !== undefined && at >= failAt)
      throw new NbsError("NEO4J_COMMAND_FAILED", "the producer died");
    yield bytes.subarray(at, at + 256 * 1024);
  }
}

function input(
  prefix: string,
  source: AsyncIterable<Uint8Array>,
  extra: Partial<BackupStreamInput> = {},
) {
  return {
    client,
    bucket,
    key: `${prefix}/neo4j/neo4j-20261124T101500Z.dump`,
    sse: { mode: "AES256" },
    meta: { ...META, created_at: new Date("2026-11-24T10:15:00Z") },
    source,
    finish: () => Promise.resolve({ dump_format: "neo4j-5-dump" as const }),
    partSize: 5 * MIB,
    ...extra,
  } satisfies BackupStreamInput;
}

async function leftovers(prefix: string) {
  const objects = await client.send(
    new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/` }),
  );
  const uploads = await client.send(
    new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: `${prefix}/` }),
  );
  return { objects: (objects.Contents ?? []).length, uploads: (uploads.Uploads ?? []).length };
}

describeInteg("backupStream against the real MinIO", () => {
  it("stores a 12 MiB stream in 3 parts, verified by the store's composite SHA-256, and commits its sidecar", async () => {
    const bytes = randomBytes(12 * MIB);
    const result = await backupStream(input("ok", chunks(bytes)));
    const sha = createHash("sha256").update(bytes).digest("hex");
    expect(result).toMatchObject({ status: "uploaded", sha256: sha, size: bytes.length });
    const head = await client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: result.key, ChecksumMode: "ENABLED" }),
    );
    expect(head.ContentLength).toBe(bytes.length);
    expect(head.ServerSideEncryption).toBe("AES256");
    // MinIO keeps the parts' SHA-256s: the composite nbs compared before committing.
    expect(head.ChecksumSHA256).toMatch(/-3$/);
    const stored = await client.send(new GetObjectCommand({ Bucket: bucket, Key: result.key }));
    const back = Buffer.from(await stored.Body!.transformToByteArray());
    expect(createHash("sha256").update(back).digest("hex")).toBe(sha);
    expect(result.meta).toMatchObject({
      storage: { part_size: 5 * MIB, parts: 3 },
      dump_format: "neo4j-5-dump",
    });
    expect(await leftovers("ok")).toEqual({ objects: 2, uploads: 0 });
  });

  it("a source failing after parts were stored leaves no object, no sidecar and no open upload", async () => {
    const error = await backupStream(
      input("broken", chunks(randomBytes(12 * MIB), 11 * MIB)),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "NEO4J_COMMAND_FAILED" });
    expect(await leftovers("broken")).toEqual({ objects: 0, uploads: 0 });
  });

  it("finish rejecting (the dump exited non-zero) after every byte was stored completes nothing", async () => {
    const error = await backupStream(
      input("unfinished", chunks(randomBytes(7 * MIB)), {
        finish: () => Promise.reject(new NbsError("NEO4J_COMMAND_FAILED", "exit 1")),
      }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "NEO4J_COMMAND_FAILED" });
    expect(await leftovers("unfinished")).toEqual({ objects: 0, uploads: 0 });
  });

  it("refuses a key already committed (KEY_CONFLICT) and leaves the backup as it was", async () => {
    const first = await backupStream(input("taken", chunks(randomBytes(MIB))));
    const error = await backupStream(input("taken", chunks(randomBytes(MIB)))).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "KEY_CONFLICT" });
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: first.key }));
    expect(head.ETag?.replace(/"/g, "")).toBe(first.meta.storage?.etag);
    expect(await leftovers("taken")).toEqual({ objects: 2, uploads: 0 });
  });
});
