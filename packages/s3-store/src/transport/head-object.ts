import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { isNotFound, toStorageError } from "./errors.js";
import type { ObjectRetention } from "./object-lock.js";
import { unquote } from "./part-checksums.js";

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
  /** The Object Lock retention HEAD reports (AWS: only to callers with s3:GetObjectRetention). */
  objectLock?: ObjectRetention;
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
      etag: unquote(out.ETag),
      ...(out.LastModified ? { lastModified: out.LastModified } : {}),
      ...(out.ServerSideEncryption ? { sse: out.ServerSideEncryption } : {}),
      ...(out.SSEKMSKeyId ? { kmsKeyId: out.SSEKMSKeyId } : {}),
      ...(out.ChecksumSHA256 ? { checksumSha256: out.ChecksumSHA256 } : {}),
      ...(out.ChecksumCRC32 ? { checksumCrc32: out.ChecksumCRC32 } : {}),
      metadata: out.Metadata ?? {},
      ...(out.ObjectLockMode && out.ObjectLockRetainUntilDate
        ? { objectLock: { mode: out.ObjectLockMode, retainUntil: out.ObjectLockRetainUntilDate } }
        : {}),
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw toStorageError(error, { bucket, key, op: "HEAD", signal });
  }
}
