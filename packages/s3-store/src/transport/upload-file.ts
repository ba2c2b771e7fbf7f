import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Sha256Accumulator, type Sha256Digest } from "@nbs/checksum";
import { NbsError } from "@nbs/errors";
import { open, type FileHandle } from "node:fs/promises";
import { headObject } from "./head-object.js";
import { isPreconditionFailed, toStorageError } from "./errors.js";
import { recoverPreconditionFailed } from "./precondition.js";
import { sendParts, type SentParts } from "./multipart-parts.js";
import { partAlgorithm, type FileUpload, type UploadFileInput } from "./upload-input.js";
import { findResumable } from "./multipart-resume.js";
import { compositeChecksum, multipartEtag, unquote } from "./part-checksums.js";
import { planMultipartUpload, type UploadPlan } from "./plan.js";
import {
  assertEndOfFile,
  assertUnchanged,
  fileVersion,
  readExactly,
  type FileVersion,
} from "./read-file.js";
import { objectLockParams } from "./object-lock.js";
import { sseParams, unhonouredSse } from "./sse.js";

export interface UploadFileResult {
  digest: Sha256Digest;
  etag: string;
  plan: UploadPlan;
  /** Multipart only: the object's composite SHA-256 (`<base64>-<parts>`) computed from the bytes read. */
  checksumSha256?: string;
  /** Multipart with `partChecksum: "CRC32"`: the object's composite CRC32. */
  checksumCrc32?: string;
  /**
   * True when this run's own request created the object. False when a 412 was recovered by
   * finding identical content in place: that object may be another writer's, so it is never
   * deleted by this run.
   */
  written: boolean;
}

/**
 * Upload a file in ONE read pass: each chunk is hashed and then sent, so the sha256 is over
 * exactly the bytes that left. Each part carries its SHA-256 (checked by S3 and MinIO). Multipart uploads reuse a pool of `concurrency` buffers (no
 * allocation per part); Buffer bodies let the SDK retry a part without re-reading the file.
 * `If-None-Match: *` makes the final write refuse to replace an object that appeared meanwhile.
 */
export async function uploadFile(request: UploadFileInput): Promise<UploadFileResult> {
  const { source, ...rest } = request;
  const input: FileUpload = { ...rest, path: source.path, size: source.size };
  const plan = planMultipartUpload(input.size, input.partSize);
  const fh = await open(input.path, "r").catch((error: NodeJS.ErrnoException) => {
    throw new NbsError(
      error.code === "ENOENT" ? "FILE_NOT_FOUND" : "FILE_UNREADABLE",
      `cannot open ${input.path}: ${error.code ?? error.message}`,
      {
        hint: "the dump disappeared or became unreadable; check the file and re-run",
        cause: error,
      },
    );
  });
  try {
    const version = await fileVersion(fh);
    return plan.multipart
      ? await uploadMultipart(input, fh, plan, version)
      : await uploadSingle(input, fh, plan, version);
  } finally {
    await fh.close();
  }
}

async function uploadSingle(
  input: FileUpload,
  fh: FileHandle,
  plan: UploadPlan,
  version: FileVersion,
): Promise<UploadFileResult> {
  const body = Buffer.allocUnsafe(input.size);
  await readExactly(fh, body, input.size, 0);
  await assertEndOfFile(fh, input.size);
  await assertUnchanged(fh, version);
  const acc = new Sha256Accumulator();
  acc.update(body);
  const digest = acc.digest();
  try {
    const out = await input.client.send(
      new PutObjectCommand({
        Bucket: input.bucket,
        Key: input.key,
        Body: body,
        ContentLength: input.size,
        ContentType: input.contentType ?? "application/octet-stream",
        // The store checks the bytes it received against our sha256 and rejects a mismatch.
        ChecksumSHA256: digest.base64,
        IfNoneMatch: "*",
        Metadata: { ...input.metadata, "nbs-sha256": digest.hex },
        ...sseParams(input.sse),
        // S3 wants a checksum on a lock-bearing PUT: ChecksumSHA256 above is one.
        ...objectLockParams(input.objectLock),
      }),
      input.signal ? { abortSignal: input.signal } : {},
    );
    input.onProgress?.({
      bytesSent: input.size,
      bytesReused: 0,
      totalBytes: input.size,
      partsDone: 1,
      parts: 1,
    });
    const unencrypted = unhonouredSse(input.sse, out, `s3://${input.bucket}/${input.key}`);
    if (unencrypted) {
      // This request created it; left behind it would block every re-run of this key.
      await deleteOwn(input);
      throw unencrypted;
    }
    return { digest, etag: unquote(out.ETag), plan, written: true };
  } catch (error) {
    // 412 after a retried PUT whose first response was lost, or an identical upload racing
    // ours: the content is the same, but the object may be another writer's.
    return recoverPreconditionFailed(
      error,
      async () => {
        const head = await headObject(input.client, input.bucket, input.key, input.signal);
        return head?.size === input.size && head.metadata["nbs-sha256"] === digest.hex
          ? { digest, etag: head.etag, plan, written: false }
          : undefined;
      },
      () => wrap(error, input),
    );
  }
}

async function uploadMultipart(
  input: FileUpload,
  fh: FileHandle,
  plan: UploadPlan,
  version: FileVersion,
): Promise<UploadFileResult> {
  const { client, bucket, key } = input;
  // Only an upload this run created is ever aborted: a resumed one may be another run's.
  let created: string | undefined;
  try {
    const resumed =
      partAlgorithm(input) === "SHA256"
        ? await findResumable({
            client,
            bucket,
            key,
            sse: input.sse,
            idleMs: input.resumeIdleMs ?? DEFAULT_RESUME_IDLE_MS,
            signal: input.signal,
            onEvent: input.onEvent,
          })
        : undefined;
    const uploadId = resumed?.uploadId ?? (created = await createUpload(input));
    const sent = await sendParts(input, fh, plan, uploadId, resumed?.parts);
    // Every part was read (and streamed parts sent) from the file as it was at the start.
    await assertUnchanged(fh, version);
    const completed = await completeUpload(input, uploadId, sent);
    // A 412 answered by identical content in place: a racing twin won, and our upload is still
    // open on the server (or it was ours, and the abort finds nothing). Either way, drop it.
    if (!completed.written && created !== undefined)
      await abortQuietly(client, bucket, key, created);
    created = undefined;
    return {
      digest: sent.digest,
      etag: completed.etag,
      plan,
      written: completed.written,
      ...compositeOf(input, sent),
    };
  } catch (error) {
    if (created !== undefined) await abortQuietly(client, bucket, key, created);
    // A streamed part is read again while it is sent: a file changed meanwhile makes the store
    // refuse the part (or the stream end early), which must not read as a network fault.
    const changed = await assertUnchanged(fh, version).then(
      () => undefined,
      (changedError: unknown) => changedError,
    );
    // A local-input error already says what happened to the file ("the file grew"); keep it.
    const local = error instanceof NbsError && error.category === "INPUT";
    if (changed instanceof Error && !local) throw changed;
    throw wrap(error, input);
  }
}

/**
 * Longer than one request can take against a dead server with the default timeouts (under
 * 2 minutes, see deadServerBoundMs) and than a 64 MiB part needs at 100 KB/s: a run still going
 * finishes a part within it.
 */
const DEFAULT_RESUME_IDLE_MS = 15 * 60 * 1000;

/** The object's composite checksum, in the field HEAD reports it in. */
export function compositeOf(
  input: Pick<FileUpload, "partChecksum">,
  sent: Pick<SentParts, "checksums">,
): { checksumSha256?: string; checksumCrc32?: string } {
  const algorithm = partAlgorithm(input);
  if (algorithm === undefined) return {};
  const composite = compositeChecksum(algorithm, sent.checksums);
  return algorithm === "SHA256" ? { checksumSha256: composite } : { checksumCrc32: composite };
}

export async function createUpload(input: FileUpload): Promise<string> {
  const { client, bucket, key } = input;
  const algorithm = partAlgorithm(input);
  const created = await client.send(
    new CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      ContentType: input.contentType ?? "application/octet-stream",
      Metadata: input.metadata,
      ...(algorithm === undefined
        ? {}
        : { ChecksumAlgorithm: algorithm, ChecksumType: "COMPOSITE" }),
      ...sseParams(input.sse),
      // The retention of a multipart object is set when the upload is created.
      ...objectLockParams(input.objectLock),
    }),
    input.signal ? { abortSignal: input.signal } : {},
  );
  if (!created.UploadId)
    throw new NbsError("STORE_ERROR", `CreateMultipartUpload for ${key} returned no UploadId`, {
      hint: "the store answered without an upload id; check the endpoint is an S3 API",
    });
  // AWS confirms the encryption here already; MinIO only in each part's answer (checked there).
  if (created.ServerSideEncryption !== undefined) {
    const unencrypted = unhonouredSse(input.sse, created, `s3://${bucket}/${key}`);
    if (unencrypted) {
      await abortQuietly(client, bucket, key, created.UploadId);
      throw unencrypted;
    }
  }
  return created.UploadId;
}

/** Complete, tolerating a 412 that answers our own retried Complete (its response was lost). */
export async function completeUpload(
  input: FileUpload,
  uploadId: string,
  sent: SentParts,
): Promise<{ etag: string; written: boolean }> {
  const { client, bucket, key } = input;
  const { etags, checksums } = sent;
  const algorithm = partAlgorithm(input);
  const field = algorithm === "SHA256" ? "ChecksumSHA256" : "ChecksumCRC32";
  try {
    const done = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        IfNoneMatch: "*",
        MultipartUpload: {
          Parts: etags.map((ETag, i) => ({
            ETag,
            PartNumber: i + 1,
            ...(algorithm === undefined ? {} : { [field]: checksums[i]! }),
          })),
        },
      }),
      input.signal ? { abortSignal: input.signal } : {},
    );
    return { etag: unquote(done.ETag), written: true };
  } catch (error) {
    // Ours if the stored object is made of these parts: S3's multipart ETag is
    // md5(binary part ETags)-N, its checksum the hash of the part checksums (also under SSE-KMS,
    // where part ETags are not MD5s). Same parts, so same bytes; but a 412 cannot tell our
    // lost response from a racing twin.
    return recoverPreconditionFailed(
      error,
      async () => {
        const head = await headObject(client, bucket, key, input.signal);
        const composite = compositeOf(input, sent);
        const same =
          head?.etag === multipartEtag(etags) ||
          (composite.checksumSha256 !== undefined &&
            head?.checksumSha256 === composite.checksumSha256) ||
          (composite.checksumCrc32 !== undefined &&
            head?.checksumCrc32 === composite.checksumCrc32);
        return head?.size === input.size && same ? { etag: head.etag, written: false } : undefined;
      },
      () => error,
    );
  }
}

/** Remove an object this run's own request created (never one found in place). */
async function deleteOwn(input: FileUpload): Promise<void> {
  try {
    await input.client.send(new DeleteObjectCommand({ Bucket: input.bucket, Key: input.key }));
  } catch {
    // Without a sidecar it is not a backup; listing, verify and retention ignore it.
  }
}

export async function abortQuietly(
  client: S3Client,
  bucket: string,
  key: string,
  uploadId: string,
) {
  try {
    // Not tied to the caller's signal: after Ctrl-C we still want the server to drop the parts.
    await client.send(
      new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }),
    );
  } catch {
    // A lifecycle rule (AbortIncompleteMultipartUpload) collects what we could not abort.
  }
}

export function wrap(error: unknown, input: FileUpload): NbsError {
  if (input.signal?.aborted) {
    return new NbsError(
      "INTERRUPTED",
      `upload of ${input.key} was interrupted; nothing was committed`,
      {
        hint: "re-run the same command: the key is deterministic (a multipart upload killed before it could clean up is resumed)",
        cause: error,
      },
    );
  }
  if (isPreconditionFailed(error)) {
    return new NbsError(
      "KEY_CONFLICT",
      `an object appeared at s3://${input.bucket}/${input.key} during the upload; it was not overwritten`,
      {
        hint: "another writer uses the same key; inspect both before retrying",
        cause: error,
      },
    );
  }
  return toStorageError(error, {
    bucket: input.bucket,
    key: input.key,
    op: "upload",
    sseRequested: sseParams(input.sse).ServerSideEncryption !== undefined,
  });
}
