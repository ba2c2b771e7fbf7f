import {
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { sdkStreamMixin } from "@smithy/util-stream";
import { mockClient } from "aws-sdk-client-mock";
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { PutBackupInput } from "../src/index.js";

// Shared by the unit tests that drive the upload protocol against a mocked S3 client.

export const s3 = mockClient(S3Client);
export const MIB = 1024 * 1024;

export function notFound() {
  return new S3ServiceException({
    name: "NotFound",
    $fault: "client",
    $metadata: { httpStatusCode: 404 },
  });
}
export function preconditionFailed() {
  return new S3ServiceException({
    name: "PreconditionFailed",
    $fault: "client",
    $metadata: { httpStatusCode: 412 },
  });
}
export const KEY = "p/neo4j/neo4j-20261124T101500Z.dump";
export const SIDECAR = `${KEY}.meta.json`;
/** HEAD of the sidecar answers with the size of the PUT body number `index` (as written). */
export function headSidecarAsWritten(index: number) {
  s3.on(HeadObjectCommand, { Key: SIDECAR }).callsFake(() => ({
    ContentLength: (s3.commandCalls(PutObjectCommand)[index]!.args[0].input.Body as Buffer)
      .byteLength,
  }));
}
export function body(text: string) {
  return sdkStreamMixin(Readable.from([Buffer.from(text)]));
}
export function file(bytes: Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), "nbs-put-")), "neo4j-20261124T101500Z.dump");
  writeFileSync(path, bytes);
  return path;
}
export const sha = (b: Buffer) => createHash("sha256").update(b).digest();
/** UploadPart answers like S3 and MinIO: the part's CRC32 (checked) and the encryption, echoed. */
export function echoParts() {
  s3.on(UploadPartCommand).callsFake(
    (part: { PartNumber: number; ChecksumCRC32?: string; ChecksumSHA256?: string }) =>
      Promise.resolve({
        ETag: `"p${part.PartNumber}"`,
        ChecksumCRC32: part.ChecksumCRC32,
        ChecksumSHA256: part.ChecksumSHA256,
        ServerSideEncryption: "AES256",
      }),
  );
}

export function input(path: string, extra: Partial<PutBackupInput> = {}): PutBackupInput {
  return {
    client: new S3Client({ region: "us-east-1" }),
    bucket: "nbs-test",
    prefix: "p",
    file: path,
    sse: { mode: "AES256" },
    meta: {
      db_name: "neo4j",
      created_at: "2026-11-24T10:15:00Z",
      created_by: "t",
      tool: { name: "nbs-upload", version: "0.1.0" },
    },
    now: () => new Date("2026-11-24T10:20:00Z"),
    ...extra,
  };
}
