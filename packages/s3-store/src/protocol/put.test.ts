import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { beforeEach, describe, expect, it } from "vitest";
import { putBackup } from "../index.js";
import {
  KEY,
  MIB,
  SIDECAR,
  body,
  echoParts,
  file,
  headSidecarAsWritten,
  input,
  notFound,
  preconditionFailed,
  s3,
  sha,
} from "../../test/s3-mock.js";
import { compositeCrc32, crc32Base64 } from "../transport/part-checksums.js";

beforeEach(() => s3.reset());

describe("putBackup (SDK mocked)", () => {
  it("skips without writing when the same sha256 is already committed", async () => {
    const bytes = Buffer.from("same dump");
    const meta = {
      schemaVersion: 1,
      sha256: sha(bytes).toString("hex"),
      size: bytes.length,
      db_name: "neo4j",
      created_at: "2026-11-24T10:15:00Z",
      created_by: "t",
      tool: { name: "nbs-upload", version: "0.1.0" },
    };
    s3.on(GetObjectCommand).resolves({ Body: body(JSON.stringify(meta)) });
    s3.on(HeadObjectCommand).resolves({ ContentLength: bytes.length, ETag: '"e"' });
    const result = await putBackup(input(file(bytes)));
    expect(result.status).toBe("skipped");
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it("refuses with an integrity error when a different backup is committed at the key", async () => {
    const meta = {
      schemaVersion: 1,
      sha256: "0".repeat(64),
      size: 3,
      db_name: "neo4j",
      created_at: "2026-11-24T10:15:00Z",
      created_by: "t",
      tool: { name: "x", version: "1" },
    };
    s3.on(GetObjectCommand).resolves({ Body: body(JSON.stringify(meta)) });
    await expect(putBackup(input(file(Buffer.from("new"))))).rejects.toMatchObject({
      code: "KEY_CONFLICT",
      message: expect.stringContaining("refusing to overwrite"),
    });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it("uploads a small file in one PUT with its sha256, SSE and If-None-Match, then commits the sidecar", async () => {
    const bytes = Buffer.from("small dump");
    const digest = sha(bytes);
    s3.on(GetObjectCommand).rejects(notFound());
    s3.on(HeadObjectCommand, { Key: KEY })
      .rejectsOnce(notFound())
      .resolves({
        ContentLength: bytes.length,
        ETag: '"etag1"',
        ServerSideEncryption: "AES256",
        ChecksumSHA256: digest.toString("base64"),
        Metadata: { "nbs-sha256": digest.toString("hex") },
      });
    s3.on(PutObjectCommand).resolves({ ETag: '"etag1"', ServerSideEncryption: "AES256" });
    headSidecarAsWritten(1);
    const result = await putBackup(input(file(bytes)));
    expect(result.status).toBe("uploaded");
    const [obj, sidecar] = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(obj).toMatchObject({
      ChecksumSHA256: digest.toString("base64"),
      ServerSideEncryption: "AES256",
      IfNoneMatch: "*",
    });
    expect(sidecar).toMatchObject({
      Key: "p/neo4j/neo4j-20261124T101500Z.dump.meta.json",
      ServerSideEncryption: "AES256",
      IfNoneMatch: "*",
    });
    expect(JSON.parse((sidecar!.Body as Buffer).toString())).toMatchObject({
      sha256: digest.toString("hex"),
      size: bytes.length,
      storage: { sse: "AES256", etag: "etag1" },
    });
  });

  it("never writes a sidecar when the stored object's encryption differs from what was asked, and removes the object it wrote", async () => {
    const bytes = Buffer.from("dump");
    s3.on(GetObjectCommand).rejects(notFound());
    s3.on(HeadObjectCommand)
      .rejectsOnce(notFound())
      .resolves({
        ContentLength: bytes.length,
        ETag: '"e"',
        Metadata: { "nbs-sha256": sha(bytes).toString("hex") },
      });
    s3.on(PutObjectCommand).resolves({
      ETag: '"e"',
      ServerSideEncryption: "aws:kms",
      SSEKMSKeyId: "arn:aws:kms:k1",
    });
    await expect(
      putBackup(input(file(bytes), { sse: { mode: "aws:kms", kmsKeyId: "k1" } })),
    ).rejects.toMatchObject({
      code: "SSE_MISMATCH",
      message: expect.stringContaining("server-side encryption is absent"),
    });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input.Key)).toEqual([KEY]);
  });

  it("stops at the first PUT when the store does not apply the requested encryption, removes what it wrote and names --sse none", async () => {
    const bytes = Buffer.from("dump");
    s3.on(GetObjectCommand).rejects(notFound());
    s3.on(HeadObjectCommand).rejects(notFound());
    s3.on(PutObjectCommand).resolves({ ETag: '"e"' }); // accepted, not echoed
    await expect(putBackup(input(file(bytes)))).rejects.toMatchObject({
      code: "SSE_NOT_HONOURED",
      message: expect.stringContaining("did not apply the requested server-side encryption"),
      hint: expect.stringContaining("--sse none"),
    });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1); // no sidecar
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input.Key)).toEqual([KEY]);
  });

  it("stops a multipart upload at the first part when neither CreateMultipartUpload nor the part echoes the encryption", async () => {
    const bytes = Buffer.alloc(16 * MIB, 5);
    s3.on(GetObjectCommand).rejects(notFound());
    s3.on(HeadObjectCommand).rejects(notFound());
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: "u1" });
    s3.on(UploadPartCommand).callsFake((part: { ChecksumCRC32?: string }) =>
      Promise.resolve({ ETag: '"p"', ChecksumCRC32: part.ChecksumCRC32 }),
    );
    s3.on(AbortMultipartUploadCommand).resolves({});
    await expect(
      putBackup(input(file(bytes), { partSize: 5 * MIB, concurrency: 1 })),
    ).rejects.toMatchObject({
      code: "SSE_NOT_HONOURED",
      hint: expect.stringContaining("--sse none"),
    });
    expect(s3.commandCalls(UploadPartCommand)).toHaveLength(1);
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });

  it("stops before any part when CreateMultipartUpload echoes another encryption (as AWS does)", async () => {
    const bytes = Buffer.alloc(11 * MIB, 5);
    s3.on(GetObjectCommand).rejects(notFound());
    s3.on(HeadObjectCommand).rejects(notFound());
    s3.on(CreateMultipartUploadCommand).resolves({
      UploadId: "u1",
      ServerSideEncryption: "AES256",
    });
    s3.on(AbortMultipartUploadCommand).resolves({});
    await expect(
      putBackup(input(file(bytes), { partSize: 5 * MIB, sse: { mode: "aws:kms" } })),
    ).rejects.toMatchObject({ code: "SSE_NOT_HONOURED" });
    expect(s3.commandCalls(UploadPartCommand)).toHaveLength(0);
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
  });

  it("with --sse none requests no encryption and records none", async () => {
    const bytes = Buffer.from("plain dump");
    const digest = sha(bytes);
    s3.on(GetObjectCommand).rejects(notFound());
    s3.on(HeadObjectCommand, { Key: KEY })
      .rejectsOnce(notFound())
      .resolves({
        ContentLength: bytes.length,
        ETag: '"e"',
        Metadata: { "nbs-sha256": digest.toString("hex") },
      });
    s3.on(PutObjectCommand).resolves({ ETag: '"e"' });
    headSidecarAsWritten(1);
    const result = await putBackup(input(file(bytes), { sse: { mode: "none" } }));
    expect(result.status).toBe("uploaded");
    const [obj, sidecar] = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(obj!.ServerSideEncryption).toBeUndefined();
    expect(sidecar!.ServerSideEncryption).toBeUndefined();
    expect(result.meta.storage?.sse).toBe("none");
  });

  it("aborts the multipart upload and commits nothing when a part fails", async () => {
    const bytes = Buffer.alloc(12 * MIB, 7);
    s3.on(GetObjectCommand).rejects(notFound());
    s3.on(HeadObjectCommand).rejects(notFound());
    s3.on(CreateMultipartUploadCommand).resolves({
      UploadId: "u1",
      ServerSideEncryption: "AES256",
    });
    s3.on(UploadPartCommand)
      .resolvesOnce({ ETag: '"p1"', ServerSideEncryption: "AES256" })
      .rejects(
        new S3ServiceException({
          name: "AccessDenied",
          $fault: "client",
          $metadata: { httpStatusCode: 403 },
        }),
      );
    s3.on(AbortMultipartUploadCommand).resolves({});
    await expect(
      putBackup(input(file(bytes), { partSize: 5 * MIB, concurrency: 2 })),
    ).rejects.toMatchObject({ code: "ACCESS_DENIED" });
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it("sends each part's CRC32 with partChecksum CRC32 and never commits when the stored composite CRC32 differs", async () => {
    const bytes = Buffer.concat([
      Buffer.alloc(5 * MIB, 1),
      Buffer.alloc(5 * MIB, 2),
      Buffer.from("end"),
    ]);
    const partCrcs = [
      bytes.subarray(0, 5 * MIB),
      bytes.subarray(5 * MIB, 10 * MIB),
      bytes.subarray(10 * MIB),
    ].map((part) => crc32Base64(part));
    s3.on(GetObjectCommand).rejects(notFound());
    s3.on(CreateMultipartUploadCommand).resolves({
      UploadId: "u1",
      ServerSideEncryption: "AES256",
    });
    echoParts();
    s3.on(CompleteMultipartUploadCommand).resolves({ ETag: '"m-3"' });
    s3.on(HeadObjectCommand)
      .rejectsOnce(notFound())
      .resolves({
        ContentLength: bytes.length,
        ETag: '"m-3"',
        ServerSideEncryption: "AES256",
        ChecksumCRC32: `${crc32Base64(Buffer.from("something else"))}-3`,
      });
    await expect(
      putBackup(input(file(bytes), { partSize: 5 * MIB, partChecksum: "CRC32" })),
    ).rejects.toMatchObject({
      code: "STORED_CHECKSUM_MISMATCH",
      message: expect.stringContaining("stored CRC32"),
    });
    expect(s3.commandCalls(CreateMultipartUploadCommand)[0]!.args[0].input.ChecksumAlgorithm).toBe(
      "CRC32",
    );
    const sent = s3.commandCalls(UploadPartCommand).map((c) => c.args[0].input);
    expect(sent.map((p) => p.ChecksumCRC32)).toEqual(partCrcs);
    const completed = s3.commandCalls(CompleteMultipartUploadCommand)[0]!.args[0].input;
    expect(completed.MultipartUpload?.Parts?.map((p) => p.ChecksumCRC32)).toEqual(partCrcs);
    expect(compositeCrc32(partCrcs)).toMatch(/^[A-Za-z0-9+/]{6}==-3$/);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0); // no sidecar
  });

  it("sends no checksum headers with partChecksum none, and commits without a CRC32 to compare", async () => {
    const bytes = Buffer.alloc(11 * MIB, 3);
    s3.on(GetObjectCommand).rejects(notFound());
    s3.on(CreateMultipartUploadCommand).resolves({
      UploadId: "u1",
      ServerSideEncryption: "AES256",
    });
    s3.on(UploadPartCommand).resolves({ ETag: '"p"', ServerSideEncryption: "AES256" });
    s3.on(CompleteMultipartUploadCommand).resolves({ ETag: '"m-3"' });
    s3.on(HeadObjectCommand, { Key: KEY })
      .rejectsOnce(notFound())
      .resolves({ ContentLength: bytes.length, ETag: '"m-3"', ServerSideEncryption: "AES256" });
    s3.on(PutObjectCommand).resolves({ ETag: '"s"' });
    headSidecarAsWritten(0);
    const result = await putBackup(input(file(bytes), { partSize: 5 * MIB, partChecksum: "none" }));
    expect(result.status).toBe("uploaded");
    expect(
      s3.commandCalls(CreateMultipartUploadCommand)[0]!.args[0].input.ChecksumAlgorithm,
    ).toBeUndefined();
    expect(s3.commandCalls(UploadPartCommand).map((c) => c.args[0].input.ChecksumCRC32)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("does not commit a dump whose sha256 differs from the one recorded when it was taken", async () => {
    const bytes = Buffer.from("changed after backup");
    s3.on(GetObjectCommand).rejects(notFound());
    s3.on(HeadObjectCommand).rejects(notFound());
    s3.on(PutObjectCommand).resolves({ ETag: '"e"', ServerSideEncryption: "AES256" });
    await expect(
      putBackup(input(file(bytes), { expectedSha256: "f".repeat(64) })),
    ).rejects.toMatchObject({
      code: "LOCAL_CHECKSUM_MISMATCH",
      message: expect.stringContaining("recorded when it was taken"),
    });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it("refuses to report skipped when the stored object no longer matches its sidecar", async () => {
    const bytes = Buffer.from("same dump");
    const meta = {
      schemaVersion: 1,
      sha256: sha(bytes).toString("hex"),
      size: bytes.length,
      db_name: "neo4j",
      created_at: "2026-11-24T10:15:00Z",
      created_by: "t",
      tool: { name: "nbs-upload", version: "0.1.0" },
      storage: { bucket: "nbs-test", key: "k", etag: "e1", sse: "AES256" },
    };
    s3.on(GetObjectCommand).resolves({ Body: body(JSON.stringify(meta)) });
    s3.on(HeadObjectCommand).resolves({
      ContentLength: 3,
      ETag: '"other"',
      ServerSideEncryption: "AES256",
    });
    await expect(putBackup(input(file(bytes)))).rejects.toMatchObject({
      code: "STORED_OBJECT_CHANGED",
      message: expect.stringContaining("no longer matches its sidecar"),
    });
  });

  it("treats a 412 on the sidecar as success when the sidecar there is the one it sent (lost response, retried)", async () => {
    const bytes = Buffer.from("small dump");
    const digest = sha(bytes);
    s3.on(GetObjectCommand, { Key: SIDECAR })
      .rejectsOnce(notFound())
      .callsFake(() => ({
        Body: body((s3.commandCalls(PutObjectCommand)[1]!.args[0].input.Body as Buffer).toString()),
      }));
    s3.on(HeadObjectCommand, { Key: KEY })
      .rejectsOnce(notFound())
      .resolves({
        ContentLength: bytes.length,
        ETag: '"etag1"',
        ServerSideEncryption: "AES256",
        Metadata: { "nbs-sha256": digest.toString("hex") },
      });
    s3.on(PutObjectCommand, { Key: KEY }).resolves({
      ETag: '"etag1"',
      ServerSideEncryption: "AES256",
    });
    s3.on(PutObjectCommand, { Key: SIDECAR }).rejects(preconditionFailed());
    headSidecarAsWritten(1);
    await expect(putBackup(input(file(bytes)))).resolves.toMatchObject({ status: "uploaded" });
  });

  it("still calls a 412 on the sidecar a conflict when someone else's sidecar is there", async () => {
    const bytes = Buffer.from("small dump");
    const digest = sha(bytes);
    s3.on(GetObjectCommand, { Key: SIDECAR })
      .rejectsOnce(notFound())
      .resolves({ Body: body("{}") });
    s3.on(HeadObjectCommand)
      .rejectsOnce(notFound())
      .resolves({
        ContentLength: bytes.length,
        ETag: '"etag1"',
        ServerSideEncryption: "AES256",
        Metadata: { "nbs-sha256": digest.toString("hex") },
      });
    s3.on(PutObjectCommand, { Key: KEY }).resolves({
      ETag: '"etag1"',
      ServerSideEncryption: "AES256",
    });
    s3.on(PutObjectCommand, { Key: SIDECAR }).rejects(preconditionFailed());
    await expect(putBackup(input(file(bytes)))).rejects.toMatchObject({
      code: "KEY_CONFLICT",
      message: expect.stringContaining("a sidecar for different content appeared"),
    });
  });
});

describe("putBackup's key (SDK mocked)", () => {
  it("derives the key from prefix, db_name, created_at and compression, never from the caller", async () => {
    s3.on(GetObjectCommand).resolves({
      Body: body(
        JSON.stringify({
          schemaVersion: 1,
          sha256: "0".repeat(64),
          size: 1,
          db_name: "movies",
          created_at: "2026-11-24T10:15:00Z",
          created_by: "t",
          tool: { name: "t", version: "0" },
        }),
      ),
    });
    const base = input(file(Buffer.from("z")), { prefix: "/prod/eu/" });
    await expect(
      putBackup({
        ...base,
        meta: {
          ...base.meta,
          db_name: "movies",
          created_at: new Date("2026-11-24T10:15:00.450Z"),
          compression: { algorithm: "zstd", original_size: 1, original_sha256: "0".repeat(64) },
        },
      }),
    ).rejects.toMatchObject({ code: "KEY_CONFLICT" });
    expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input.Key).toBe(
      "prod/eu/movies/movies-20261124T101500Z.dump.zst.meta.json",
    );
  });

  it("refuses a db name or a time that cannot name a key before any request", async () => {
    const base = input(file(Buffer.from("z")));
    await expect(
      putBackup({ ...base, meta: { ...base.meta, db_name: "../etc" } }),
    ).rejects.toMatchObject({ code: "DB_NAME_INVALID" });
    await expect(
      putBackup({ ...base, meta: { ...base.meta, created_at: "yesterday" } }),
    ).rejects.toMatchObject({ code: "CREATED_AT_INVALID" });
    await expect(putBackup({ ...base, prefix: "a/../b" })).rejects.toMatchObject({
      category: "USAGE",
    });
    expect(s3.calls()).toHaveLength(0);
  });
});
