import { Sha256Accumulator, type Sha256Digest } from "@nbs/checksum";
import { NbsError } from "@nbs/errors";
import type { SentParts } from "./multipart-parts.js";
import { createPartSender } from "./part-sender.js";
import { partHash, type PartHash } from "./part-checksums.js";
import { MAX_PARTS, MAX_PART_SIZE, MIB, MIN_PART_SIZE } from "./plan.js";
import { abortQuietly, completeUpload, compositeOf, createUpload, wrap } from "./upload-file.js";
import { partAlgorithm, type FileUpload } from "./upload-input.js";

/**
 * Default part size of a streamed upload. Its length is unknown in advance, so the part size
 * caps the object: 64 MiB × 10,000 parts = 625 GiB (a Neo4j 5 dump is zstd-compressed; the store
 * it comes from is several times larger). Memory is (concurrency + 1) × part size.
 */
export const DEFAULT_STREAM_PART_SIZE = 64 * MIB;

export interface StreamProgress {
  /** Bytes read from the source so far. */
  bytesRead: number;
  /** Bytes of parts the store has accepted. */
  bytesSent: number;
  partsDone: number;
}

export interface UploadStreamInput extends Pick<
  FileUpload,
  | "client"
  | "bucket"
  | "key"
  | "sse"
  | "objectLock"
  | "metadata"
  | "contentType"
  | "concurrency"
  | "partChecksum"
  | "signal"
  | "onEvent"
> {
  /** The bytes to store, read once; an error it throws aborts the upload. */
  source: AsyncIterable<Uint8Array>;
  /** Default {@link DEFAULT_STREAM_PART_SIZE}; the object can hold at most 10,000 parts. */
  partSize?: number;
  /**
   * Runs after the source ended and every part was stored, before CompleteMultipartUpload:
   * e.g. waits for the producing process to exit 0. A rejection aborts the upload.
   */
  beforeComplete?: () => Promise<void>;
  onProgress?: (progress: StreamProgress) => void;
}

export interface UploadStreamResult {
  digest: Sha256Digest;
  etag: string;
  partSize: number;
  parts: number;
  /** The object's composite SHA-256 (`<base64>-<parts>`) of the parts sent (default partChecksum). */
  checksumSha256?: string;
  /** The object's composite CRC32 with `partChecksum: "CRC32"`. */
  checksumCrc32?: string;
  /** False when a 412 on Complete was answered by identical parts in place (see uploadFile). */
  written: boolean;
}

/**
 * Upload a stream of unknown length as a multipart upload, in ONE pass: each byte is hashed
 * (sha256 of the whole, the part checksum per part) as it is copied into a part buffer, and a part is sent
 * once full. At most `concurrency` parts are in flight and one is filling: the buffers are
 * reused, and the source is not read while all are busy (backpressure, bounded memory). Any
 * failure — the source's, a part's, `beforeComplete`'s, an abort — aborts the multipart upload
 * on the server; nothing is completed.
 */
export async function uploadStream(input: UploadStreamInput): Promise<UploadStreamResult> {
  const partSize = input.partSize ?? DEFAULT_STREAM_PART_SIZE;
  if (!Number.isSafeInteger(partSize) || partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
    throw new NbsError("PART_SIZE_INVALID", `part size ${partSize} is outside S3's limits`, {
      hint: "use --part-size between 5MiB and 5GiB",
    });
  }
  // What the multipart helpers shared with uploadFile read (size is known only at the end).
  const like: FileUpload = {
    client: input.client,
    bucket: input.bucket,
    key: input.key,
    sse: input.sse,
    objectLock: input.objectLock,
    metadata: input.metadata,
    path: "(stream)",
    size: 0,
    partSize,
    ...(input.contentType === undefined ? {} : { contentType: input.contentType }),
    ...(input.partChecksum === undefined ? {} : { partChecksum: input.partChecksum }),
    ...(input.signal === undefined ? {} : { signal: input.signal }),
    ...(input.onEvent === undefined ? {} : { onEvent: input.onEvent }),
  };
  const uploadId = await createUpload(like).catch((error: unknown) => {
    throw wrap(error, like);
  });
  try {
    const sent = await sendStreamParts(input, partSize, uploadId);
    await input.beforeComplete?.();
    input.signal?.throwIfAborted();
    like.size = sent.digest.size;
    const completed = await completeUpload(like, uploadId, sent);
    if (!completed.written) await abortQuietly(input.client, input.bucket, input.key, uploadId);
    return {
      digest: sent.digest,
      etag: completed.etag,
      partSize,
      parts: sent.etags.length,
      written: completed.written,
      ...compositeOf(like, sent),
    };
  } catch (error) {
    await abortQuietly(input.client, input.bucket, input.key, uploadId);
    throw wrap(error, like);
  }
}

async function sendStreamParts(
  input: UploadStreamInput,
  partSize: number,
  uploadId: string,
): Promise<SentParts> {
  const concurrency = Math.max(1, input.concurrency ?? 2);
  const stop = new AbortController();
  const onAbort = () => stop.abort(input.signal?.reason);
  input.signal?.addEventListener("abort", onAbort, { once: true });
  const sendPart = createPartSender(input, uploadId, stop.signal);
  const pool: Buffer[] = [];
  const inflight = new Set<Promise<void>>();
  const etags: string[] = [];
  const checksums: string[] = [];
  const algorithm = partAlgorithm(input);
  const newHash = (): PartHash | undefined => algorithm && partHash(algorithm);
  const acc = new Sha256Accumulator();
  let failure: { error: unknown } | undefined;
  let bytesRead = 0;
  let bytesSent = 0;
  let partsDone = 0;
  let current: Buffer = Buffer.allocUnsafe(partSize);
  let fill = 0;
  let part = newHash();

  const flush = async (): Promise<void> => {
    while (inflight.size >= concurrency) await Promise.race(inflight);
    if (failure) throw failure.error;
    const index = etags.length;
    if (index >= MAX_PARTS) {
      throw new NbsError(
        "STREAM_TOO_LARGE",
        `the stream outgrew ${MAX_PARTS} parts of ${partSize} bytes (S3's limit for one object); nothing was committed`,
        { hint: "raise --part-size (the largest object is part size × 10,000)" },
      );
    }
    const slot = current;
    const length = fill;
    etags.push("");
    checksums.push(part?.digest() ?? "");
    const task = sendPart(index, slot.subarray(0, length), checksums[index]!)
      .then((etag) => {
        etags[index] = etag;
        bytesSent += length;
        partsDone += 1;
        input.onProgress?.({ bytesRead, bytesSent, partsDone });
      })
      .catch((error: unknown) => {
        failure ??= { error };
        stop.abort();
      })
      .finally(() => {
        pool.push(slot);
        inflight.delete(task);
      });
    inflight.add(task);
    current = pool.pop() ?? Buffer.allocUnsafe(partSize);
    fill = 0;
    part = newHash();
  };

  try {
    for await (const chunk of input.source) {
      if (failure) throw failure.error;
      input.signal?.throwIfAborted();
      let at = 0;
      while (at < chunk.byteLength) {
        const n = Math.min(partSize - fill, chunk.byteLength - at);
        current.set(chunk.subarray(at, at + n), fill);
        const copied = current.subarray(fill, fill + n);
        acc.update(copied);
        part?.update(copied);
        fill += n;
        at += n;
        bytesRead += n;
        if (fill === partSize) await flush();
      }
    }
    if (fill > 0) await flush();
    await Promise.all(inflight);
    if (failure) throw failure.error;
    if (etags.length === 0) {
      throw new NbsError("STREAM_EMPTY", "the stream ended before its first byte", {
        hint: "the producer wrote nothing; see its output for why",
      });
    }
    return { digest: acc.digest(), etags, checksums };
  } finally {
    stop.abort();
    await Promise.allSettled(inflight);
    input.signal?.removeEventListener("abort", onAbort);
  }
}
