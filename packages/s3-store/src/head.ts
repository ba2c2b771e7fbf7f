import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { MetaValidationError, sidecarKey, type BackupMeta } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import { isNotFound, toStorageError } from "./errors.js";
import { readSidecar } from "./sidecar.js";

export interface ObjectInfo {
  size: number;
  etag: string;
  lastModified?: Date;
  sse?: string;
  kmsKeyId?: string;
  checksumSha256?: string;
  /** `<base64>-<parts>` for a multipart object uploaded with CRC32 part checksums. */
  checksumCrc32?: string;
  metadata: Record<string, string>;
}

export async function headObject(
  client: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<ObjectInfo | undefined> {
  try {
    const out = await client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }),
      signal ? { abortSignal: signal } : {},
    );
    return {
      size: out.ContentLength ?? 0,
      etag: (out.ETag ?? "").replace(/^"|"$/g, ""),
      ...(out.LastModified ? { lastModified: out.LastModified } : {}),
      ...(out.ServerSideEncryption ? { sse: out.ServerSideEncryption } : {}),
      ...(out.SSEKMSKeyId ? { kmsKeyId: out.SSEKMSKeyId } : {}),
      ...(out.ChecksumSHA256 ? { checksumSha256: out.ChecksumSHA256 } : {}),
      ...(out.ChecksumCRC32 ? { checksumCrc32: out.ChecksumCRC32 } : {}),
      metadata: out.Metadata ?? {},
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw toStorageError(error, { bucket, key, op: "HEAD", signal });
  }
}

export interface CommittedBackup {
  bucket: string;
  key: string;
  meta: BackupMeta;
  object: ObjectInfo;
}

/**
 * A committed backup: its sidecar validates and its object exists. Undefined when there is no
 * sidecar; throws INTEGRITY when the sidecar is invalid or points at a missing object.
 */
export async function headBackup(
  client: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<CommittedBackup | undefined> {
  const sidecar = await readSidecar(client, bucket, sidecarKey(key), signal);
  if (sidecar.state === "absent") return undefined;
  if (sidecar.state === "invalid") {
    throw new MetaValidationError(`s3://${bucket}/${sidecarKey(key)}`, sidecar.errors);
  }
  const object = await headObject(client, bucket, key, signal);
  if (!object) {
    throw new NbsError(
      "INTEGRITY",
      `s3://${bucket}/${sidecarKey(key)} commits a dump that is missing`,
      {
        hint: "the backup is lost or was deleted outside nbs; do not rely on it",
      },
    );
  }
  return { bucket, key, meta: sidecar.meta, object };
}
