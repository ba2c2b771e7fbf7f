import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
  type UploadPartCommandInput,
} from "@aws-sdk/client-s3";
import { Sha256Accumulator, type Sha256Digest } from "@nbs/checksum";
import { NbsError } from "@nbs/metadata";
import { createHash } from "node:crypto";
import { open, type FileHandle } from "node:fs/promises";
import { crc32 } from "./crc32.js";
import { headObject } from "./head.js";
import { isPreconditionFailed, toStorageError } from "./errors.js";
import { SIGN_PAYLOAD } from "./payload-signing.js";
import { planMultipartUpload, type UploadPlan } from "./plan.js";
import { assertEndOfFile, readExactly } from "./read-file.js";
import { sseParams, unhonouredSse, type SseOptions } from "./sse.js";

export interface UploadProgress {
  bytesSent: number;
  totalBytes: number;
  partsDone: number;
  parts: number;
}

export interface UploadFileInput {
  client: S3Client;
  bucket: string;
  key: string;
  path: string;
  size: number;
  sse: SseOptions;
  metadata: Record<string, string>;
  contentType?: string;
  partSize?: number;
  /** Parts in flight at once; memory is concurrency × partSize (default 4). */
  concurrency?: number;
  /**
   * `CRC32` (default): each part carries its CRC32, checked by the store. `none` for stores
   * that reject `x-amz-checksum-*` headers; the parts are then always SigV4-signed.
   */
  partChecksum?: PartChecksum;
  signal?: AbortSignal;
  onProgress?: (progress: UploadProgress) => void;
  /** What an operator should know about (`warn`), e.g. a fall-back to signed parts. */
  onEvent?: (event: string, fields: Record<string, unknown>, level?: "debug" | "warn") => void;
}

export type PartChecksum = "CRC32" | "none";

export interface UploadFileResult {
  digest: Sha256Digest;
  etag: string;
  plan: UploadPlan;
  /** Multipart only: the object's composite CRC32 (`<base64>-<parts>`) computed from the bytes read. */
  checksumCrc32?: string;
  /**
   * True when this run's own request created the object. False when a 412 was recovered by
   * finding identical content in place: that object may be another writer's, so it is never
   * deleted by this run.
   */
  written: boolean;
}

const unquote = (etag: string | undefined): string => (etag ?? "").replace(/^"|"$/g, "");

/**
 * Upload a file in ONE read pass: each chunk is hashed and then sent, so the sha256 is over
 * exactly the bytes that left. Each part carries its CRC32 (checked by S3 and MinIO). Multipart uploads reuse a pool of `concurrency` buffers (no
 * allocation per part); Buffer bodies let the SDK retry a part without re-reading the file.
 * `If-None-Match: *` makes the final write refuse to replace an object that appeared meanwhile.
 */
export async function uploadFile(input: UploadFileInput): Promise<UploadFileResult> {
  const plan = planMultipartUpload(input.size, input.partSize);
  const fh = await open(input.path, "r").catch((error: NodeJS.ErrnoException) => {
    throw new NbsError("INPUT", `cannot open ${input.path}: ${error.code ?? error.message}`, {
      hint: "the dump disappeared or became unreadable; check the file and re-run",
      cause: error,
    });
  });
  try {
    return plan.multipart
      ? await uploadMultipart(input, fh, plan)
      : await uploadSingle(input, fh, plan);
  } finally {
    await fh.close();
  }
}

async function uploadSingle(
  input: UploadFileInput,
  fh: FileHandle,
  plan: UploadPlan,
): Promise<UploadFileResult> {
  const body = Buffer.allocUnsafe(input.size);
  await readExactly(fh, body, input.size, 0);
  await assertEndOfFile(fh, input.size);
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
      }),
      input.signal ? { abortSignal: input.signal } : {},
    );
    input.onProgress?.({ bytesSent: input.size, totalBytes: input.size, partsDone: 1, parts: 1 });
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
    if (isPreconditionFailed(error)) {
      const head = await headObject(input.client, input.bucket, input.key, input.signal);
      if (head?.size === input.size && head.metadata["nbs-sha256"] === digest.hex) {
        return { digest, etag: head.etag, plan, written: false };
      }
    }
    throw wrap(error, input);
  }
}

async function uploadMultipart(
  input: UploadFileInput,
  fh: FileHandle,
  plan: UploadPlan,
): Promise<UploadFileResult> {
  const { client, bucket, key } = input;
  let uploadId: string | undefined;
  try {
    const created = await client.send(
      new CreateMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        ContentType: input.contentType ?? "application/octet-stream",
        Metadata: input.metadata,
        ...(withCrc(input) ? { ChecksumAlgorithm: "CRC32", ChecksumType: "COMPOSITE" } : {}),
        ...sseParams(input.sse),
      }),
      input.signal ? { abortSignal: input.signal } : {},
    );
    uploadId = created.UploadId;
    if (!uploadId)
      throw new NbsError("STORAGE", `CreateMultipartUpload for ${key} returned no UploadId`);
    // AWS confirms the encryption here already; MinIO only in each part's answer (checked there).
    if (created.ServerSideEncryption !== undefined) {
      const unencrypted = unhonouredSse(input.sse, created, `s3://${bucket}/${key}`);
      if (unencrypted) throw unencrypted;
    }
    const sent = await sendParts(input, fh, plan, uploadId);
    const completed = await completeUpload(input, uploadId, sent);
    // A 412 answered by identical content in place: a racing twin won, and our upload is still
    // open on the server (or it was ours, and the abort finds nothing). Either way, drop it.
    if (!completed.written) await abortQuietly(client, bucket, key, uploadId);
    uploadId = undefined;
    return {
      digest: sent.digest,
      etag: completed.etag,
      plan,
      written: completed.written,
      ...(withCrc(input) ? { checksumCrc32: compositeCrc32(sent.crcs) } : {}),
    };
  } catch (error) {
    if (uploadId !== undefined) await abortQuietly(client, bucket, key, uploadId);
    throw wrap(error, input);
  }
}

/** Complete, tolerating a 412 that answers our own retried Complete (its response was lost). */
async function completeUpload(
  input: UploadFileInput,
  uploadId: string,
  sent: SentParts,
): Promise<{ etag: string; written: boolean }> {
  const { client, bucket, key } = input;
  const { etags, crcs } = sent;
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
            ...(withCrc(input) ? { ChecksumCRC32: crcs[i]! } : {}),
          })),
        },
      }),
      input.signal ? { abortSignal: input.signal } : {},
    );
    return { etag: unquote(done.ETag), written: true };
  } catch (error) {
    if (!isPreconditionFailed(error)) throw error;
    // Ours if the stored object is made of these parts: S3's multipart ETag is
    // md5(binary part ETags)-N, its checksum the CRC32 of the part CRC32s (also under SSE-KMS,
    // where part ETags are not MD5s).
    const head = await headObject(client, bucket, key, input.signal);
    const same =
      head?.etag === multipartEtag(etags) || head?.checksumCrc32 === compositeCrc32(crcs);
    // Same parts, so same bytes; but a 412 cannot tell our lost response from a racing twin.
    if (head?.size === input.size && same) return { etag: head.etag, written: false };
    throw error;
  }
}

const withCrc = (input: UploadFileInput): boolean => input.partChecksum !== "none";

/** The input, marked for the payload-signing plugin to sign whatever the mode. */
function withSignedPayload(params: UploadPartCommandInput): UploadPartCommandInput {
  return Object.assign({ [SIGN_PAYLOAD]: true }, params);
}

/** CRC32 of a part as S3 wants it: 4 bytes big-endian, base64. */
export function crc32Base64(bytes: Uint8Array): string {
  return crc32ToBase64(crc32(bytes));
}

function crc32ToBase64(crc: number): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc);
  return out.toString("base64");
}

/** S3's checksum of a multipart object: CRC32 over the parts' binary CRC32s, then `-<parts>`. */
export function compositeCrc32(partCrcs: readonly string[]): string {
  const joined = Buffer.concat(partCrcs.map((c) => Buffer.from(c, "base64")));
  return `${crc32Base64(joined)}-${partCrcs.length}`;
}

export function multipartEtag(partEtags: readonly string[]): string {
  const md5 = createHash("md5");
  for (const etag of partEtags) md5.update(Buffer.from(unquote(etag), "hex"));
  return `${md5.digest("hex")}-${partEtags.length}`;
}

interface SentParts {
  digest: Sha256Digest;
  etags: string[];
  crcs: string[];
}

/**
 * Send every part. A part counts as stored only when its bytes are proven: the store echoed the
 * CRC32 it verified, or the part went SigV4-signed (the store checks the signed sha256; see
 * PayloadSigning). A store that ignores `x-amz-checksum-*` answers without the echo: that part is
 * sent again, signed, and so is every later part. Each answer must also confirm the encryption.
 */
async function sendParts(
  input: UploadFileInput,
  fh: FileHandle,
  plan: UploadPlan,
  uploadId: string,
): Promise<SentParts> {
  const concurrency = Math.max(1, Math.min(input.concurrency ?? 4, plan.parts));
  const pool = Array.from({ length: concurrency }, () => Buffer.allocUnsafe(plan.partSize));
  const etags: string[] = new Array<string>(plan.parts);
  const crcs: string[] = new Array<string>(plan.parts);
  const acc = new Sha256Accumulator();
  const stop = new AbortController();
  const onAbort = () => stop.abort(input.signal?.reason);
  input.signal?.addEventListener("abort", onAbort, { once: true });
  const inflight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  // Once a part's CRC32 went unconfirmed, every part is sent signed (its sha256 in the signature).
  let signAll = false;
  let bytesSent = 0;
  let partsDone = 0;
  const send = async (index: number, body: Buffer, signed: boolean) => {
    const params: UploadPartCommandInput = {
      Bucket: input.bucket,
      Key: input.key,
      UploadId: uploadId,
      PartNumber: index + 1,
      Body: body,
      ContentLength: body.length,
      // The store rejects the part if its bytes do not match (BadDigest); see PayloadSigning.
      ...(withCrc(input) ? { ChecksumCRC32: crcs[index]! } : {}),
    };
    const out = await input.client.send(
      new UploadPartCommand(signed ? withSignedPayload(params) : params),
      { abortSignal: stop.signal },
    );
    const unencrypted = unhonouredSse(input.sse, out, `s3://${input.bucket}/${input.key}`);
    if (unencrypted) throw unencrypted;
    return out;
  };
  const sendProven = async (index: number, body: Buffer): Promise<string> => {
    if (!withCrc(input) || signAll) return (await send(index, body, signAll)).ETag ?? "";
    const out = await send(index, body, false);
    if (out.ChecksumCRC32 === crcs[index]) return out.ETag ?? "";
    if (out.ChecksumCRC32 !== undefined) {
      throw new NbsError(
        "INTEGRITY",
        `the store recorded CRC32 ${out.ChecksumCRC32} for part ${index + 1} of s3://${input.bucket}/${input.key}, nbs sent ${crcs[index]}; nothing was committed`,
        {
          hint: "the bytes changed on the way; re-run, and if it repeats check proxies between here and the store",
        },
      );
    }
    if (!signAll) {
      signAll = true;
      input.onEvent?.(
        "upload.checksum.unconfirmed",
        {
          part: index + 1,
          message:
            "the store did not confirm the part's CRC32 (it may ignore x-amz-checksum-*); parts now go SigV4-signed, so the store checks their sha256",
        },
        "warn",
      );
    }
    return (await send(index, body, true)).ETag ?? "";
  };
  try {
    for (let index = 0; index < plan.parts; index++) {
      while (pool.length === 0) await Promise.race(inflight);
      if (failure) throw failure.error;
      input.signal?.throwIfAborted();
      const buffer = pool.pop()!;
      const offset = index * plan.partSize;
      const length = Math.min(plan.partSize, input.size - offset);
      const body = buffer.subarray(0, length);
      crcs[index] = await readAndHash(fh, body, offset, acc, input.signal);
      const task = sendProven(index, body)
        .then((etag) => {
          etags[index] = etag;
          bytesSent += length;
          partsDone += 1;
          input.onProgress?.({ bytesSent, totalBytes: input.size, partsDone, parts: plan.parts });
        })
        .catch((error: unknown) => {
          failure ??= { error };
          stop.abort();
        })
        .finally(() => {
          pool.push(buffer);
          inflight.delete(task);
        });
      inflight.add(task);
    }
    await Promise.all(inflight);
    if (failure) throw failure.error;
    await assertEndOfFile(fh, input.size);
    return { digest: acc.digest(), etags, crcs };
  } finally {
    stop.abort();
    await Promise.allSettled(inflight);
    input.signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Bytes read and hashed at a time. Hashing a chunk right after reading it, sha256 and CRC32 one
 * after the other, finds it in the CPU cache: 1 GiB hashed in 1 MiB chunks took 1.06 s of CPU, in
 * whole 16 MiB parts 1.20 s. Between chunks the event loop gets a turn to keep the part uploads
 * streaming (a whole part hashed at once held it for ~17 ms).
 */
const HASH_CHUNK_BYTES = 1024 * 1024;

/**
 * Fill `part` from the file at `offset` chunk by chunk, each into the file's sha256; returns the
 * part's CRC32. The next chunk is read (on libuv's thread pool) while this one is hashed.
 * An abort is noticed between chunks.
 */
async function readAndHash(
  fh: FileHandle,
  part: Buffer,
  offset: number,
  sha256: Sha256Accumulator,
  signal: AbortSignal | undefined,
): Promise<string> {
  const read = async (at: number): Promise<Buffer> => {
    const chunk = part.subarray(at, at + HASH_CHUNK_BYTES);
    await readExactly(fh, chunk, chunk.length, offset + at);
    return chunk;
  };
  let crc = 0;
  let next = read(0);
  for (let at = 0; at < part.length; at += HASH_CHUNK_BYTES) {
    const chunk = await next;
    signal?.throwIfAborted(); // no read is pending here; parts can be up to 512 MiB
    if (at + HASH_CHUNK_BYTES < part.length) next = read(at + HASH_CHUNK_BYTES);
    sha256.update(chunk);
    crc = crc32(chunk, crc);
  }
  return crc32ToBase64(crc);
}

/** Remove an object this run's own request created (never one found in place). */
async function deleteOwn(input: UploadFileInput): Promise<void> {
  try {
    await input.client.send(new DeleteObjectCommand({ Bucket: input.bucket, Key: input.key }));
  } catch {
    // Without a sidecar it is not a backup; listing, verify and retention ignore it.
  }
}

async function abortQuietly(client: S3Client, bucket: string, key: string, uploadId: string) {
  try {
    // Not tied to the caller's signal: after Ctrl-C we still want the server to drop the parts.
    await client.send(
      new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }),
    );
  } catch {
    // A lifecycle rule (AbortIncompleteMultipartUpload) collects what we could not abort.
  }
}

function wrap(error: unknown, input: UploadFileInput): NbsError {
  if (input.signal?.aborted) {
    return new NbsError(
      "ABORTED",
      `upload of ${input.key} was interrupted; nothing was committed`,
      {
        hint: "re-run the same command: the key is deterministic and the upload starts over",
        cause: error,
      },
    );
  }
  if (isPreconditionFailed(error)) {
    return new NbsError(
      "INTEGRITY",
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
    sseRequested: input.sse.mode !== "none",
  });
}
