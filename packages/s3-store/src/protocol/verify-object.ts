import type { S3Client } from "@aws-sdk/client-s3";
import { computeSha256, type Sha256Digest } from "@nbs/checksum";
import { type SseMode } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import { getObject } from "../transport/get-object.js";
import { headObject, type ObjectInfo } from "../transport/head-object.js";
import { sseMismatch, type SseOptions } from "../transport/sse.js";
import { toStorageError } from "../transport/errors.js";

// Step 4 of the upload protocol: what was stored must match what was sent before it is committed.

export interface StoredTarget {
  client: S3Client;
  bucket: string;
  key: string;
  sse: SseOptions;
  signal?: AbortSignal | undefined;
}

export interface SentObject {
  digest: Sha256Digest;
  etag: string;
  multipart: boolean;
  /** Multipart: the composite checksum of the parts sent (`<base64>-<parts>`), in one of the two. */
  checksumSha256?: string | undefined;
  checksumCrc32?: string | undefined;
  /** This run's own request created the object (the caller deletes it on failure). */
  written: boolean;
}

export async function verifyObject(target: StoredTarget, sent: SentObject): Promise<ObjectInfo> {
  const { client, bucket, key, signal } = target;
  const { digest, etag, multipart } = sent;
  const object = await headObject(client, bucket, key, signal);
  if (object) assertEncryption(target, object, sent.written);
  const problems: string[] = [];
  if (!object) problems.push("object missing after upload");
  else {
    if (object.size !== digest.size) problems.push(`size ${object.size} != ${digest.size} sent`);
    if (etag && object.etag !== etag)
      problems.push(`etag ${object.etag} != ${etag} returned by the upload`);
    if (!multipart && object.checksumSha256 && object.checksumSha256 !== digest.base64) {
      problems.push("stored sha256 checksum differs from the bytes sent");
    }
    // A store that keeps part checksums reports the composite checksum of what it received.
    const sha = object.checksumSha256;
    if (multipart && sent.checksumSha256 && sha && sha !== sent.checksumSha256) {
      problems.push(`stored SHA-256 ${sha} != ${sent.checksumSha256} of the parts sent`);
    }
    if (
      multipart &&
      sent.checksumCrc32 &&
      object.checksumCrc32 &&
      object.checksumCrc32 !== sent.checksumCrc32
    ) {
      problems.push(
        `stored CRC32 ${object.checksumCrc32} != ${sent.checksumCrc32} of the parts sent`,
      );
    }
    if (!multipart && object.metadata["nbs-sha256"] !== digest.hex)
      problems.push("object metadata nbs-sha256 differs");
  }
  if (problems.length > 0 || !object) {
    throw new NbsError(
      "STORED_CHECKSUM_MISMATCH",
      `uploaded object s3://${bucket}/${key} failed verification: ${problems.join("; ")}`,
      {
        hint: sent.written
          ? "nothing was committed and the object this run wrote was removed; re-run, and if it repeats check the store"
          : "nothing was committed; the object in place was not written by this run and is left alone: inspect it",
      },
    );
  }
  return object;
}

/** The finished object must carry the encryption asked for: else SSE_MISMATCH, not a checksum failure. */
function assertEncryption(target: StoredTarget, object: ObjectInfo, written: boolean): void {
  const mismatch = sseMismatch(target.sse, {
    ServerSideEncryption: object.sse,
    SSEKMSKeyId: object.kmsKeyId,
  });
  if (mismatch === undefined) return;
  throw new NbsError(
    "SSE_MISMATCH",
    `uploaded object s3://${target.bucket}/${target.key} is not encrypted as asked: ${mismatch}`,
    {
      hint: written
        ? "nothing was committed and the object this run wrote was removed; check the bucket's encryption settings and --sse / --kms-key"
        : "nothing was committed; the object in place was not written by this run and is left alone: inspect it",
    },
  );
}

export function storageInfo(
  bucket: string,
  key: string,
  object: ObjectInfo,
  plan: { partSize: number; parts: number } | undefined,
) {
  return {
    bucket,
    key,
    etag: object.etag,
    sse: (object.sse ?? "none") as SseMode,
    ...(object.kmsKeyId ? { kms_key_id: object.kmsKeyId } : {}),
    ...(plan ? { part_size: plan.partSize, parts: plan.parts } : {}),
  };
}

/** The sha256 of a stored object, streamed; a missing object is undefined. */
export async function hashObject(
  client: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<Sha256Digest | undefined> {
  const got = await getObject(client, bucket, key, { op: "download", signal });
  if (!got) return undefined;
  try {
    return await computeSha256(got.body, signal ? { signal } : {});
  } catch (error) {
    throw toStorageError(error, { bucket, key, op: "download", signal });
  }
}
