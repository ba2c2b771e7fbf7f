import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3ServiceException,
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
import { multipartEtag } from "../transport/part-checksums.js";

beforeEach(() => s3.reset());

function sidecarOf(bytes: Buffer, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    schemaVersion: 1,
    sha256: sha(bytes).toString("hex"),
    size: bytes.length,
    db_name: "neo4j",
    created_at: "2026-11-24T10:15:00Z",
    created_by: "the-other-run",
    tool: { name: "nbs-upload", version: "0.1.0" },
    ...extra,
  });
}
const reset = () =>
  Object.assign(new Error("socket hang up"), { name: "Error", code: "ECONNRESET" });

describe("putBackup: leftovers and concurrent writers (SDK mocked)", () => {
  it("adopts an uncommitted object with identical bytes and commits it without uploading", async () => {
    const bytes = Buffer.from("left behind by a killed run");
    s3.on(GetObjectCommand, { Key: SIDECAR }).rejects(notFound());
    s3.on(GetObjectCommand, { Key: KEY }).callsFake(() => ({ Body: body(bytes.toString()) }));
    s3.on(HeadObjectCommand, { Key: KEY }).resolves({
      ContentLength: bytes.length,
      ETag: '"left"',
      ServerSideEncryption: "AES256",
    });
    s3.on(PutObjectCommand).resolves({});
    headSidecarAsWritten(0);
    const result = await putBackup(input(file(bytes)));
    expect(result.status).toBe("adopted");
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);
    expect(puts).toEqual([SIDECAR]); // the dump itself was not sent again
  });

  it("refuses to adopt an uncommitted object with different bytes and leaves it alone", async () => {
    const bytes = Buffer.from("ours");
    s3.on(GetObjectCommand, { Key: SIDECAR }).rejects(notFound());
    s3.on(GetObjectCommand, { Key: KEY }).callsFake(() => ({ Body: body("othr") }));
    s3.on(HeadObjectCommand, { Key: KEY }).resolves({ ContentLength: 4, ETag: '"x"' });
    await expect(putBackup(input(file(bytes)))).rejects.toMatchObject({
      code: "KEY_CONFLICT",
      message: expect.stringContaining("uncommitted object with different content"),
    });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it("reports skipped, not a conflict, when an identical upload commits the key first", async () => {
    const bytes = Buffer.from("same dump, two runs");
    const digest = sha(bytes);
    s3.on(GetObjectCommand, { Key: SIDECAR })
      .rejectsOnce(notFound())
      .callsFake(() => ({ Body: body(sidecarOf(bytes)) }));
    s3.on(HeadObjectCommand, { Key: KEY })
      .rejectsOnce(notFound())
      .resolves({
        ContentLength: bytes.length,
        ETag: '"e"',
        ServerSideEncryption: "AES256",
        Metadata: { "nbs-sha256": digest.toString("hex") },
      });
    s3.on(PutObjectCommand, { Key: KEY }).resolves({ ETag: '"e"', ServerSideEncryption: "AES256" });
    s3.on(PutObjectCommand, { Key: SIDECAR }).rejects(preconditionFailed());
    const result = await putBackup(input(file(bytes)));
    expect(result).toMatchObject({ status: "skipped", sha256: digest.toString("hex") });
    expect(result.meta.created_by).toBe("the-other-run");
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it("never deletes an object it did not write: a 412 finds identical bytes in place, then the commit is refused", async () => {
    const bytes = Buffer.from("twin in place");
    const digest = sha(bytes);
    s3.on(GetObjectCommand).rejects(notFound());
    s3.on(HeadObjectCommand, { Key: KEY })
      .rejectsOnce(notFound())
      .resolves({
        ContentLength: bytes.length,
        ETag: '"twin"',
        ServerSideEncryption: "AES256",
        Metadata: { "nbs-sha256": digest.toString("hex") },
      });
    s3.on(PutObjectCommand, { Key: KEY }).rejects(preconditionFailed());
    await expect(
      putBackup(input(file(bytes), { expectedSha256: "a".repeat(64) })),
    ).rejects.toMatchObject({
      code: "LOCAL_CHECKSUM_MISMATCH",
      message: expect.stringContaining("recorded when it was taken"),
    });
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it("deletes the object it wrote itself when the dump differs from the one recorded", async () => {
    const bytes = Buffer.from("changed after backup");
    s3.on(GetObjectCommand).rejects(notFound());
    s3.on(HeadObjectCommand).rejects(notFound());
    s3.on(PutObjectCommand).resolves({ ETag: '"e"', ServerSideEncryption: "AES256" });
    await expect(
      putBackup(input(file(bytes), { expectedSha256: "f".repeat(64) })),
    ).rejects.toMatchObject({ code: "LOCAL_CHECKSUM_MISMATCH" });
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input.Key)).toEqual([KEY]);
  });

  it("recovers a 412 on CompleteMultipartUpload made of its own parts, and aborts its still-open upload", async () => {
    const bytes = Buffer.alloc(11 * MIB, 9);
    s3.on(GetObjectCommand).rejects(notFound());
    s3.on(CreateMultipartUploadCommand).resolves({
      UploadId: "u1",
      ServerSideEncryption: "AES256",
    });
    echoParts();
    s3.on(CompleteMultipartUploadCommand).rejects(preconditionFailed());
    s3.on(AbortMultipartUploadCommand).resolves({});
    s3.on(HeadObjectCommand, { Key: KEY })
      .rejectsOnce(notFound())
      .resolves({
        ContentLength: bytes.length,
        ETag: `"${multipartEtag(['"p1"', '"p2"', '"p3"'])}"`,
        ServerSideEncryption: "AES256",
      });
    s3.on(PutObjectCommand).resolves({});
    headSidecarAsWritten(0);
    const result = await putBackup(input(file(bytes), { partSize: 5 * MIB }));
    expect(result.status).toBe("uploaded");
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it("calls a 412 on CompleteMultipartUpload a conflict when other bytes are in place, and aborts its upload", async () => {
    const bytes = Buffer.alloc(11 * MIB, 9);
    s3.on(GetObjectCommand).rejects(notFound());
    s3.on(CreateMultipartUploadCommand).resolves({
      UploadId: "u1",
      ServerSideEncryption: "AES256",
    });
    echoParts();
    s3.on(CompleteMultipartUploadCommand).rejects(preconditionFailed());
    s3.on(AbortMultipartUploadCommand).resolves({});
    s3.on(HeadObjectCommand, { Key: KEY })
      .rejectsOnce(notFound())
      .resolves({ ContentLength: bytes.length, ETag: '"someone-else-3"' });
    await expect(putBackup(input(file(bytes), { partSize: 5 * MIB }))).rejects.toMatchObject({
      code: "KEY_CONFLICT",
      message: expect.stringContaining("appeared"),
    });
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it("retries a sidecar read cut short, and calls a persistent failure a storage error, not a conflict", async () => {
    const bytes = Buffer.from("dump");
    s3.on(GetObjectCommand, { Key: SIDECAR }).rejects(reset());
    await expect(putBackup(input(file(bytes)))).rejects.toMatchObject({ code: "NETWORK" });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(3);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);

    s3.reset();
    s3.on(GetObjectCommand, { Key: SIDECAR })
      .rejectsOnce(reset())
      .resolves({ Body: body(sidecarOf(bytes)) });
    s3.on(HeadObjectCommand).resolves({ ContentLength: bytes.length, ETag: '"e"' });
    await expect(putBackup(input(file(bytes)))).resolves.toMatchObject({ status: "skipped" });
  });

  it("does not retry a sidecar read the store refuses (403) while the dump answers", async () => {
    s3.on(GetObjectCommand, { Key: SIDECAR }).rejects(
      new S3ServiceException({
        name: "AccessDenied",
        $fault: "client",
        $metadata: { httpStatusCode: 403 },
      }),
    );
    s3.on(HeadObjectCommand, { Key: KEY }).resolves({ ContentLength: 1, ETag: '"e"' });
    await expect(putBackup(input(file(Buffer.from("d"))))).rejects.toMatchObject({
      code: "ACCESS_DENIED",
      message: expect.stringContaining("access denied"),
    });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
  });
});
