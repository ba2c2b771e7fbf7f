import type { S3Client } from "@aws-sdk/client-s3";
import type { ObjectLockRequest } from "./object-lock.js";
import type { PartAlgorithm } from "./part-checksums.js";
import type { SseOptions } from "./sse.js";

// What the upload engine is given; shared by upload-file.ts and multipart-parts.ts.

export interface UploadProgress {
  /** Bytes this run sent. */
  bytesSent: number;
  /** Bytes of parts an interrupted run had stored, reused without sending (resumed uploads). */
  bytesReused: number;
  totalBytes: number;
  partsDone: number;
  parts: number;
}

export interface UploadFileInput {
  client: S3Client;
  bucket: string;
  key: string;
  source: UploadSource;
  sse: SseOptions;
  /** Object Lock headers of the write that creates the object (PutObject / CreateMultipartUpload). */
  objectLock?: ObjectLockRequest | undefined;
  metadata: Record<string, string>;
  contentType?: string;
  partSize?: number;
  /** Parts in flight at once; memory is concurrency × partSize (default 4). */
  concurrency?: number;
  /**
   * `SHA256` (default): each part carries its SHA-256, checked by the store, which keeps it, so
   * a resumed upload's stored parts are proven by it. `CRC32` for stores without SHA-256
   * checksums (a resumed upload's parts are then all sent again). `none` for stores that reject
   * `x-amz-checksum-*` headers; the parts are then always SigV4-signed.
   */
  partChecksum?: PartChecksum;
  /**
   * A multipart upload of this key left open and untouched this long (by the store's clock) is
   * an interrupted run's: it is resumed (default 15 min; younger ones may be a run still going
   * and are left alone). Never aborted by this run.
   */
  resumeIdleMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: UploadProgress) => void;
  /** What an operator should know about (`warn`), e.g. a fall-back to signed parts. */
  onEvent?: (event: string, fields: Record<string, unknown>, level?: "debug" | "warn") => void;
}

export type PartChecksum = "SHA256" | "CRC32" | "none";

/**
 * Where the bytes come from. Only a local file of known size today; the engine reads it by
 * offset (parts re-read for retries and streamed parts). A stream of unknown size would be a
 * second kind with its own reader.
 */
type UploadSource = { kind: "file"; path: string; size: number };

/** The engine's view of an upload from a file. */
export interface FileUpload extends Omit<UploadFileInput, "source"> {
  path: string;
  size: number;
}

/** The checksum the parts carry; undefined with `partChecksum: "none"`. */
export const partAlgorithm = (
  input: Pick<FileUpload, "partChecksum">,
): PartAlgorithm | undefined =>
  input.partChecksum === "none" ? undefined : (input.partChecksum ?? "SHA256");
