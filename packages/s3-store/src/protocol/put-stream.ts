import { DeleteObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { buildBackupMeta, isValidBucketName, sidecarKey, type BackupMeta } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import type { PutBackupResult, SidecarFields, StoreEvent } from "./put.js";
import { headObject } from "../transport/head-object.js";
import { precheck } from "./precheck.js";
import { assertBucketLockable, lockInfo, settleRetention } from "./retention-policy.js";
import { assertObjectLockRequest, type ObjectLockRequest } from "../transport/object-lock.js";
import { writeSidecar } from "./sidecar.js";
import { assertSseOptions, type SseOptions } from "../transport/sse.js";
import type { PartChecksum } from "../transport/upload-input.js";
import { MAX_PARTS } from "../transport/plan.js";
import {
  DEFAULT_STREAM_PART_SIZE,
  uploadStream,
  type StreamProgress,
} from "../transport/upload-stream.js";
import { storageInfo, verifyObject } from "./verify-object.js";
import { objectMetadata } from "./put.js";

export interface BackupStreamInput {
  client: S3Client;
  bucket: string;
  key: string;
  sse: SseOptions;
  /** S3 Object Lock on the dump and its sidecar (see PutBackupInput.objectLock). */
  objectLock?: ObjectLockRequest;
  /** Sidecar fields known before the first byte (db, dump time, who, tool…). */
  meta: SidecarFields;
  /** The dump's bytes, read once. */
  source: AsyncIterable<Uint8Array>;
  /**
   * Called once the source ended and every part is stored, BEFORE the upload is completed:
   * resolves (with sidecar fields known only now, e.g. the dump format) when the producer
   * succeeded — for a process, when it exited 0 — and rejects otherwise; then nothing is
   * completed and the multipart upload is aborted.
   */
  finish: () => Promise<Partial<SidecarFields>>;
  /** Caps the object at part size × 10,000 (default DEFAULT_STREAM_PART_SIZE, 64 MiB: 625 GiB). */
  partSize?: number;
  concurrency?: number;
  partChecksum?: PartChecksum;
  signal?: AbortSignal;
  onProgress?: (progress: StreamProgress) => void;
  onEvent?: StoreEvent;
  now?: () => Date;
}

/**
 * Refuse a key that holds anything: a streamed dump cannot be compared with what is stored, and
 * nbs never overwrites a backup. Call it before anything irreversible (e.g. stopping Neo4j); it
 * also proves the bucket is reachable with these credentials.
 */
async function assertKeyFree(
  client: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
  emit: StoreEvent = () => {},
): Promise<void> {
  const metaKey = sidecarKey(key);
  const pre = await precheck({ client, bucket, key, metaKey, signal, emit });
  if (pre.state !== "absent") {
    throw new NbsError(
      "KEY_CONFLICT",
      `s3://${bucket}/${pre.state === "uncommitted" ? key : metaKey} already exists; a streamed backup never replaces one`,
      {
        hint: "nothing was changed; wait a second (the key holds the dump time) or use another --prefix",
      },
    );
  }
}

/**
 * Store a dump read from a stream and commit it (docs/architecture.md §3, for a source that can
 * be read only once): the key must be free; parts are hashed and sent as they arrive; the upload
 * is completed only after `finish` resolved; the object is then verified (size, ETag, SSE,
 * composite CRC32 of the parts) and only then is the sidecar written and read back.
 */
async function storeStream(input: BackupStreamInput): Promise<PutBackupResult> {
  const { client, bucket, key, signal } = input;
  const emit: StoreEvent = input.onEvent ?? (() => {});
  if (!isValidBucketName(bucket)) {
    throw new NbsError("BUCKET_NAME_INVALID", `invalid bucket name ${JSON.stringify(bucket)}`, {
      hint: "use a valid S3 bucket name",
    });
  }
  assertSseOptions(input.sse);
  if (input.objectLock) assertObjectLockRequest(input.objectLock, new Date());
  await assertBucketLockable(client, bucket, input.objectLock, signal);
  await assertKeyFree(client, bucket, key, signal, emit);
  emit("upload.start", { key, streamed: true });
  let late: Partial<SidecarFields> = {};
  const up = await uploadStream({
    client,
    bucket,
    key,
    sse: input.sse,
    ...(input.objectLock ? { objectLock: input.objectLock } : {}),
    metadata: objectMetadata(input.meta),
    source: input.source,
    beforeComplete: async () => {
      late = await input.finish();
    },
    ...(input.partSize === undefined ? {} : { partSize: input.partSize }),
    ...(input.concurrency === undefined ? {} : { concurrency: input.concurrency }),
    ...(input.partChecksum === undefined ? {} : { partChecksum: input.partChecksum }),
    ...(signal ? { signal } : {}),
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    onEvent: emit,
  });
  emit("upload.done", { key, sha256: up.digest.hex, etag: up.etag, parts: up.parts });
  let meta: BackupMeta;
  try {
    const object = await verifyObject(input, {
      digest: up.digest,
      etag: up.etag,
      multipart: true,
      checksumSha256: up.checksumSha256,
      checksumCrc32: up.checksumCrc32,
      written: up.written,
    });
    const retention = await settleRetention(
      { ...input, emit },
      input.objectLock,
      object.objectLock,
    );
    meta = buildBackupMeta({
      ...input.meta,
      ...late,
      sha256: up.digest.hex,
      size: up.digest.size,
      uploaded_at: (input.now ?? (() => new Date()))(),
      storage: storageInfo(bucket, key, object, { partSize: up.partSize, parts: up.parts }),
      ...(retention ? { object_lock: lockInfo(retention) } : {}),
    });
  } catch (error) {
    // Not committed: the object this run created goes, so no stray dump sits under the prefix.
    if (up.written) await deleteQuietly(client, bucket, key);
    throw error;
  }
  const metaKey = sidecarKey(key);
  const written = await writeSidecar(
    client,
    bucket,
    metaKey,
    meta,
    input.sse,
    signal,
    input.objectLock,
  );
  if (written.state === "twin") {
    emit("commit.twin", { key, sidecar: metaKey, uploaded_at: written.meta.uploaded_at });
    const m = written.meta;
    return {
      status: "skipped",
      bucket,
      key,
      sidecarKey: metaKey,
      sha256: m.sha256,
      size: m.size,
      meta: m,
    };
  }
  const head = await headObject(client, bucket, metaKey, signal);
  if (!head || head.size !== written.bytes) {
    throw new NbsError(
      "NOT_COMMITTED",
      `sidecar s3://${bucket}/${metaKey} did not read back as written`,
      { hint: "the backup is not committed; take the backup again" },
    );
  }
  emit("commit.done", { key, sidecar: metaKey });
  return {
    status: "uploaded",
    bucket,
    key,
    sidecarKey: metaKey,
    sha256: meta.sha256,
    size: meta.size,
    meta,
  };
}

/**
 * Back up a stream (see storeStream), with what a caller needs around it: `assertKeyFree` to check
 * the key before anything irreversible (e.g. stopping Neo4j), the default part size, and
 * MAX_PARTS (the largest stream is part size × MAX_PARTS).
 */
export interface StreamBackup {
  (input: BackupStreamInput): Promise<PutBackupResult>;
  /**
   * Refuse a key that holds anything (or whose sidecar does); also proves the bucket is
   * reachable with these credentials. Call it before anything irreversible.
   */
  assertKeyFree(
    client: S3Client,
    bucket: string,
    key: string,
    signal?: AbortSignal,
    onEvent?: StoreEvent,
  ): Promise<void>;
  /**
   * Refuse a lock the bucket cannot apply (no Object Lock, or no default retention for
   * `bucket`) before anything irreversible; nothing is sent.
   */
  assertObjectLock(
    client: S3Client,
    bucket: string,
    lock: ObjectLockRequest,
    signal?: AbortSignal,
  ): Promise<void>;
  /** The default part size: 64 MiB, so a stream of at most 625 GiB. */
  readonly DEFAULT_PART_SIZE: number;
  /** S3's limit of parts per object: the largest stream is part size × MAX_PARTS. */
  readonly MAX_PARTS: number;
}

export const backupStream: StreamBackup = Object.assign(storeStream, {
  assertKeyFree,
  assertObjectLock: async (
    client: S3Client,
    bucket: string,
    lock: ObjectLockRequest,
    signal?: AbortSignal,
  ) => {
    assertObjectLockRequest(lock, new Date());
    await assertBucketLockable(client, bucket, lock, signal);
  },
  DEFAULT_PART_SIZE: DEFAULT_STREAM_PART_SIZE,
  MAX_PARTS,
});

async function deleteQuietly(client: S3Client, bucket: string, key: string): Promise<void> {
  try {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  } catch {
    // Left without a sidecar it is not a backup; listing and retention ignore it.
  }
}
