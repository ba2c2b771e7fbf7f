import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { computeSha256, type Sha256Digest } from "@nbs/checksum";
import { type SseMode } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import type { Readable } from "node:stream";
import { toStorageError } from "./errors.js";
import { headObject, type ObjectInfo } from "./head.js";
import type { PutBackupInput, SidecarFields } from "./put.js";
import { sseMismatch } from "./sse.js";

// Step 4 of the upload protocol: what was stored must match what was sent before it is committed.

export async function verifyObject(
  input: Pick<PutBackupInput, "client" | "bucket" | "key" | "signal" | "sse">,
  digest: Sha256Digest,
  sent: { etag: string; multipart: boolean; checksumCrc32?: string | undefined },
  /** This run's own request created the object (it is then deleted on failure by the caller). */
  ownObject: boolean,
): Promise<ObjectInfo> {
  const { etag, multipart } = sent;
  const { client, bucket, key, signal } = input;
  const object = await headObject(client, bucket, key, signal);
  const problems: string[] = [];
  if (!object) problems.push("object missing after upload");
  else {
    if (object.size !== digest.size) problems.push(`size ${object.size} != ${digest.size} sent`);
    if (etag && object.etag !== etag)
      problems.push(`etag ${object.etag} != ${etag} returned by the upload`);
    const sse = sseMismatch(input.sse, {
      ServerSideEncryption: object.sse,
      SSEKMSKeyId: object.kmsKeyId,
    });
    if (sse) problems.push(sse);
    if (!multipart && object.checksumSha256 && object.checksumSha256 !== digest.base64) {
      problems.push("stored sha256 checksum differs from the bytes sent");
    }
    // A store that keeps part checksums reports the composite CRC32 of what it received.
    if (multipart && object.checksumCrc32 && object.checksumCrc32 !== sent.checksumCrc32) {
      problems.push(
        `stored CRC32 ${object.checksumCrc32} != ${sent.checksumCrc32} of the parts sent`,
      );
    }
    if (!multipart && object.metadata["nbs-sha256"] !== digest.hex)
      problems.push("object metadata nbs-sha256 differs");
  }
  if (problems.length > 0 || !object) {
    throw new NbsError(
      "INTEGRITY",
      `uploaded object s3://${bucket}/${key} failed verification: ${problems.join("; ")}`,
      {
        hint: ownObject
          ? "nothing was committed and the object this run wrote was removed; re-run, and if it repeats check the store"
          : "nothing was committed; the object in place was not written by this run and is left alone: inspect it",
      },
    );
  }
  return object;
}

export function objectMetadata(meta: SidecarFields): Record<string, string> {
  const created = meta.created_at instanceof Date ? meta.created_at.toISOString() : meta.created_at;
  return {
    "nbs-db": meta.db_name,
    "nbs-created-at": created,
    "nbs-tool": `${meta.tool.name}/${meta.tool.version}`,
  };
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

export async function hashObject(
  client: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<Sha256Digest> {
  try {
    const out = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: key }),
      signal ? { abortSignal: signal } : {},
    );
    return await computeSha256(out.Body as Readable, signal ? { signal } : {});
  } catch (error) {
    throw toStorageError(error, { bucket, key, op: "download", signal });
  }
}
