import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { NbsError } from "@nbs/errors";
import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { backupStream, type BackupStreamInput } from "../index.js";
import { compositeChecksum } from "../transport/part-checksums.js";
import {
  KEY,
  MIB,
  SIDECAR,
  body,
  echoParts,
  headSidecarAsWritten,
  notFound,
  s3,
} from "../../test/s3-mock.js";

beforeEach(() => s3.reset());

const CHUNK = 64 * 1024;

/** A source yielding `bytes` in 64 KiB chunks, then optionally failing; counts what was pulled. */
function source(bytes: Buffer, failAfter?: number) {
  const pulled = { bytes: 0 };
  async function* gen() {
    for (let at = 0; at < bytes.length; at += CHUNK) {
      await Promise.resolve(); // as a pipe does, the next chunk comes later
      if (failAfter !== undefined && at >= failAfter)
        throw new NbsError("NEO4J_COMMAND_FAILED", "neo4j-admin exited with 1");
      const chunk = bytes.subarray(at, at + CHUNK);
      pulled.bytes += chunk.length;
      yield chunk;
    }
  }
  return { iterable: gen(), pulled };
}

function streamInput(src: AsyncIterable<Uint8Array>, extra: Partial<BackupStreamInput> = {}) {
  return {
    client: new S3Client({ region: "us-east-1" }),
    bucket: "nbs-test",
    key: KEY,
    sse: { mode: "AES256" },
    meta: {
      db_name: "neo4j",
      created_at: "2026-11-24T10:15:00Z",
      created_by: "t",
      tool: { name: "nbs-upload", version: "0.1.0" },
    },
    source: src,
    finish: () => Promise.resolve({ dump_format: "neo4j-5-dump" as const }),
    partSize: 5 * MIB,
    concurrency: 2,
    now: () => new Date("2026-11-24T10:20:00Z"),
    ...extra,
  } satisfies BackupStreamInput;
}

/** A store where the key is free and the completed object reads back as the parts sent. */
function freshStore(bytes: Buffer, parts: number) {
  const shas = Array.from({ length: parts }, (_, i) =>
    createHash("sha256")
      .update(bytes.subarray(i * 5 * MIB, (i + 1) * 5 * MIB))
      .digest("base64"),
  );
  s3.on(GetObjectCommand).rejects(notFound());
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: "u1" });
  s3.on(CompleteMultipartUploadCommand).resolves({ ETag: `"m-${parts}"` });
  s3.on(HeadObjectCommand, { Key: KEY })
    .rejectsOnce(notFound())
    .resolves({
      ContentLength: bytes.length,
      ETag: `"m-${parts}"`,
      ServerSideEncryption: "AES256",
      ChecksumSHA256: compositeChecksum("SHA256", shas),
    });
  s3.on(PutObjectCommand).resolves({});
  headSidecarAsWritten(0);
  echoParts();
}

const calls = (command: Parameters<typeof s3.commandCalls>[0]) => s3.commandCalls(command).length;

describe("backupStream (SDK mocked)", () => {
  it("stores the stream in parts, completes only after finish resolved, then commits a sidecar with the stream's sha256", async () => {
    const bytes = Buffer.alloc(12 * MIB);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = i % 251;
    freshStore(bytes, 3);
    const order: string[] = [];
    s3.on(CompleteMultipartUploadCommand).callsFake(() => {
      order.push("complete");
      return { ETag: '"m-3"' };
    });
    const result = await backupStream(
      streamInput(source(bytes).iterable, {
        finish: () => {
          order.push(`finish after ${calls(UploadPartCommand)} parts`);
          return Promise.resolve({ dump_format: "neo4j-5-dump" });
        },
      }),
    );
    expect(order).toEqual(["finish after 3 parts", "complete"]);
    const sha = createHash("sha256").update(bytes).digest("hex");
    expect(result).toMatchObject({ status: "uploaded", sha256: sha, size: bytes.length });
    const sidecar = JSON.parse(
      (s3.commandCalls(PutObjectCommand)[0]!.args[0].input.Body as Buffer).toString(),
    ) as Record<string, unknown>;
    expect(sidecar).toMatchObject({
      sha256: sha,
      size: bytes.length,
      dump_format: "neo4j-5-dump",
      storage: { part_size: 5 * MIB, parts: 3 },
    });
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input.Key).toBe(SIDECAR);
    expect(calls(AbortMultipartUploadCommand)).toBe(0);
  });

  it("aborts the multipart upload and commits nothing when the source fails midway", async () => {
    const bytes = Buffer.alloc(12 * MIB, 1);
    freshStore(bytes, 3);
    const error = await backupStream(
      streamInput(source(bytes, 7 * MIB).iterable, { finish: () => Promise.resolve({}) }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "NEO4J_COMMAND_FAILED" });
    expect(calls(AbortMultipartUploadCommand)).toBe(1);
    expect(calls(CompleteMultipartUploadCommand)).toBe(0);
    expect(calls(PutObjectCommand)).toBe(0);
  });

  it("never completes when finish rejects (the producing process did not exit 0), though every byte was sent", async () => {
    const bytes = Buffer.alloc(7 * MIB, 2);
    freshStore(bytes, 2);
    const error = await backupStream(
      streamInput(source(bytes).iterable, {
        finish: () =>
          Promise.reject(new NbsError("NEO4J_COMMAND_FAILED", "neo4j-admin exited with 1")),
      }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "NEO4J_COMMAND_FAILED" });
    expect(calls(UploadPartCommand)).toBe(2);
    expect(calls(CompleteMultipartUploadCommand)).toBe(0);
    expect(calls(AbortMultipartUploadCommand)).toBe(1);
    expect(calls(PutObjectCommand)).toBe(0);
  });

  it("aborts and commits nothing when a part fails", async () => {
    const bytes = Buffer.alloc(12 * MIB, 3);
    freshStore(bytes, 3);
    s3.on(UploadPartCommand).rejects(
      Object.assign(new Error("AccessDenied"), {
        name: "AccessDenied",
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const error = await backupStream(streamInput(source(bytes).iterable)).catch((e: unknown) => e);
    expect(error).toMatchObject({ category: "STORAGE" });
    expect(calls(AbortMultipartUploadCommand)).toBe(1);
    expect(calls(CompleteMultipartUploadCommand)).toBe(0);
    expect(calls(PutObjectCommand)).toBe(0);
  });

  it("reads no further ahead than the parts in flight plus the one filling (bounded memory)", async () => {
    const bytes = Buffer.alloc(40 * MIB, 5);
    freshStore(bytes, 8);
    const src = source(bytes);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let seen = 0;
    s3.on(UploadPartCommand).callsFake(
      async (part: { PartNumber: number; ChecksumCRC32?: string }) => {
        seen = Math.max(seen, src.pulled.bytes);
        await held; // the store stalls: nothing completes
        return {
          ETag: `"p${part.PartNumber}"`,
          ChecksumCRC32: part.ChecksumCRC32,
          ServerSideEncryption: "AES256",
        };
      },
    );
    const run = backupStream(streamInput(src.iterable, { concurrency: 2 }));
    // Let the loop run as far as it can while both parts are held.
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    const pulledWhileStalled = src.pulled.bytes;
    release();
    await run.catch(() => undefined);
    // 2 parts in flight + 1 filling (+ one chunk read before noticing).
    expect(pulledWhileStalled).toBeLessThanOrEqual(3 * 5 * MIB + CHUNK);
    expect(pulledWhileStalled).toBeGreaterThanOrEqual(2 * 5 * MIB);
    expect(seen).toBeGreaterThan(0);
  });

  it("refuses a key that already holds an object, before creating any upload", async () => {
    s3.on(GetObjectCommand).rejects(notFound());
    s3.on(HeadObjectCommand, { Key: KEY }).resolves({ ContentLength: 1, ETag: '"x"' });
    const error = await backupStream(streamInput(source(Buffer.alloc(MIB)).iterable)).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "KEY_CONFLICT" });
    expect(calls(CreateMultipartUploadCommand)).toBe(0);
  });

  it("refuses a key whose sidecar exists", async () => {
    s3.on(GetObjectCommand, { Key: SIDECAR }).resolves({ Body: body("{}") as never });
    const error = await backupStream(streamInput(source(Buffer.alloc(MIB)).iterable)).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "KEY_CONFLICT" });
    expect(calls(CreateMultipartUploadCommand)).toBe(0);
  });

  it("removes its own completed object and writes no sidecar when the stored SHA-256 differs from the parts sent", async () => {
    const bytes = Buffer.alloc(7 * MIB, 6);
    freshStore(bytes, 2);
    s3.on(HeadObjectCommand, { Key: KEY })
      .rejectsOnce(notFound())
      .resolves({
        ContentLength: bytes.length,
        ETag: '"m-2"',
        ServerSideEncryption: "AES256",
        ChecksumSHA256: `${createHash("sha256").digest("base64")}-2`,
      });
    s3.on(CompleteMultipartUploadCommand).resolves({ ETag: '"m-2"' });
    const error = await backupStream(streamInput(source(bytes).iterable)).catch((e: unknown) => e);
    expect(error).toMatchObject({ category: "INTEGRITY" });
    expect(calls(PutObjectCommand)).toBe(0);
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input.Key)).toEqual([KEY]);
  });

  it("fails with STREAM_EMPTY, aborting the upload, when the source yields nothing", async () => {
    freshStore(Buffer.alloc(0), 1);
    const error = await backupStream(streamInput(source(Buffer.alloc(0)).iterable)).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "STREAM_EMPTY" });
    expect(calls(AbortMultipartUploadCommand)).toBe(1);
    expect(calls(CompleteMultipartUploadCommand)).toBe(0);
  });
});
