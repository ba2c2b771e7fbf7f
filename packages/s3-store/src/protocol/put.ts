import { DeleteObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { sha256File, type Sha256Digest } from "@nbs/checksum";
import {
  backupKey,
  buildBackupMeta,
  isValidBucketName,
  isValidDbName,
  sidecarKey,
  type BackupMeta,
  type BackupMetaInput,
} from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import { stat } from "node:fs/promises";
import { headObject, type ObjectInfo } from "../transport/head-object.js";
import { assertSseOptions, type SseOptions } from "../transport/sse.js";
import { uploadFile, type UploadFileResult } from "../transport/upload-file.js";
import type { PartChecksum, UploadProgress } from "../transport/upload-input.js";
import { checkAdoptable } from "./adopt.js";
import { keyConflict } from "./conflict.js";
import { assertBucketLockable, lockInfo, settleRetention } from "./retention-policy.js";
import { assertObjectLockRequest, type ObjectLockRequest } from "../transport/object-lock.js";
import { precheck } from "./precheck.js";
import { writeSidecar } from "./sidecar.js";
import type { StoreEvent } from "./store-event.js";
import { storageInfo, verifyObject, type StoredTarget } from "./verify-object.js";

export type SidecarFields = Omit<BackupMetaInput, "sha256" | "size" | "storage" | "uploaded_at">;

export type { StoreEvent } from "./store-event.js";

export interface PutBackupInput {
  client: S3Client;
  bucket: string;
  /**
   * Key prefix (one per environment). The key is derived from it and the sidecar fields
   * (`<prefix>/<db_name>/<db_name>-<created_at>.dump[.zst|.gz]`, see @nbs/metadata backupKey),
   * so every backup written is one listBackups finds.
   */
  prefix: string;
  /** Local dump file (already compressed when `meta.compression` says so). */
  file: string;
  sse: SseOptions;
  /**
   * S3 Object Lock on the dump and its sidecar (default `none`: nothing asked; a retention the
   * bucket applies by default is still recorded). The sidecar records the dump's retention.
   */
  objectLock?: ObjectLockRequest;
  /** Sidecar fields known before the upload (db, times, who, neo4j, stats…). */
  meta: SidecarFields;
  /** sha256 recorded when the dump was taken (local sidecar); a different upload is not committed. */
  expectedSha256?: string;
  partSize?: number;
  concurrency?: number;
  /** Default `CRC32`; `none` for stores that reject checksum headers (parts are then signed). */
  partChecksum?: PartChecksum;
  /** A multipart upload of the key idle this long (by the store's clock) is an interrupted run's and resumed (default 15 min). */
  resumeIdleMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: UploadProgress) => void;
  onEvent?: StoreEvent;
  now?: () => Date;
}

export type PutStatus = "uploaded" | "skipped" | "adopted";

export interface PutBackupResult {
  status: PutStatus;
  bucket: string;
  key: string;
  sidecarKey: string;
  sha256: string;
  size: number;
  meta: BackupMeta;
}

/** Everything a step needs: the input, the derived key and an event sink. */
interface Job extends StoredTarget {
  input: PutBackupInput;
  metaKey: string;
  size: number;
  emit: StoreEvent;
}

/**
 * Upload a dump and commit it with its sidecar (docs/architecture.md §3), as explicit states:
 * pre-check → (committed: skipped) | (uncommitted object: adopt) | (absent: upload → verify)
 * → commit.
 */
export async function putBackup(input: PutBackupInput): Promise<PutBackupResult> {
  const job = await prepare(input);
  // Before anything is read or sent: a lock the bucket cannot apply is a usage error.
  await assertBucketLockable(job.client, job.bucket, input.objectLock, job.signal);
  const pre = await precheck(job);
  if (pre.state === "invalid") {
    throw new NbsError(
      "SIDECAR_INVALID",
      `s3://${job.bucket}/${job.metaKey} exists but is not a valid sidecar: ${pre.errors.join("; ")}`,
      { hint: "inspect it by hand; nbs never overwrites an existing backup" },
    );
  }
  if (pre.state === "committed") return skip(job, pre.meta);
  if (pre.state === "uncommitted") return commit(job, await adopt(job, pre.object), "adopted");
  const up = await upload(job);
  const object = await verifyUploaded(job, up);
  const meta = buildBackupMeta({
    ...input.meta,
    sha256: up.digest.hex,
    size: job.size,
    uploaded_at: (input.now ?? (() => new Date()))(),
    storage: storageInfo(job.bucket, job.key, object, up.plan.multipart ? up.plan : undefined),
    ...(object.objectLock ? { object_lock: lockInfo(object.objectLock) } : {}),
  });
  return commit(job, meta, "uploaded");
}

/** Check the input and derive the key: nothing is sent before this passes. */
async function prepare(input: PutBackupInput): Promise<Job> {
  const { bucket, meta } = input;
  if (!isValidBucketName(bucket)) {
    throw new NbsError("BUCKET_NAME_INVALID", `invalid bucket name ${JSON.stringify(bucket)}`, {
      hint: "use a valid S3 bucket name",
    });
  }
  assertSseOptions(input.sse);
  if (input.objectLock) assertObjectLockRequest(input.objectLock, new Date());
  if (!isValidDbName(meta.db_name)) {
    throw new NbsError("DB_NAME_INVALID", `invalid database name ${JSON.stringify(meta.db_name)}`, {
      hint: "use letters, digits, '.', '_' or '-' (as Neo4j does)",
    });
  }
  const createdAt = new Date(meta.created_at);
  if (Number.isNaN(createdAt.getTime())) {
    throw new NbsError(
      "CREATED_AT_INVALID",
      `invalid created_at ${JSON.stringify(meta.created_at)}`,
      {
        hint: "pass the dump's creation time as a Date or an ISO 8601 string",
      },
    );
  }
  const key = backupKey({
    prefix: input.prefix,
    db: meta.db_name,
    createdAt,
    compression: meta.compression?.algorithm ?? "none",
  });
  const { size } = await stat(input.file).catch((error: NodeJS.ErrnoException) => {
    throw new NbsError(
      error.code === "ENOENT" ? "FILE_NOT_FOUND" : "FILE_UNREADABLE",
      `cannot read ${input.file}: ${error.code ?? error.message}`,
      {
        hint: "the dump disappeared or became unreadable; check the file and re-run",
        cause: error,
      },
    );
  });
  return {
    input,
    client: input.client,
    bucket,
    key,
    metaKey: sidecarKey(key),
    sse: input.sse,
    signal: input.signal,
    size,
    emit: input.onEvent ?? (() => {}),
  };
}

/** Already committed: `skipped` only when it is this file and the stored object is still it. */
async function skip(job: Job, meta: BackupMeta): Promise<PutBackupResult> {
  const { client, bucket, key, metaKey, signal } = job;
  job.emit("precheck.committed", { key, sha256: meta.sha256 });
  const local = await hashLocal(job);
  if (local.hex !== meta.sha256 || local.size !== meta.size) {
    throw keyConflict(
      bucket,
      key,
      `a committed backup with sha256 ${meta.sha256.slice(0, 12)}… (${meta.size} bytes)`,
    );
  }
  assertExpected(job, local.hex);
  const stored = await headObject(client, bucket, key, signal);
  if (!stored) {
    throw new NbsError(
      "BACKUP_DUMP_MISSING",
      `s3://${bucket}/${metaKey} commits a dump that is missing`,
      {
        hint: "the stored backup was deleted outside nbs; move the sidecar aside to upload again",
      },
    );
  }
  // "skipped" may lead to pruning the local copy: the stored object must still be the one the
  // sidecar describes, not something rewritten outside nbs.
  assertStoredMatches(job, stored, meta);
  return result(job, "skipped", meta);
}

/** An object without a sidecar (a run stopped before committing): adopted only if identical. */
async function adopt(job: Job, object: ObjectInfo): Promise<BackupMeta> {
  job.emit("precheck.uncommitted", { key: job.key, size: object.size });
  const local = await hashLocal(job);
  assertExpected(job, local.hex);
  await checkAdoptable(job, local, object);
  // An earlier run's object carries that run's retention, or none: extended to this run's.
  const retention = await settleRetention(job, job.input.objectLock, object.objectLock);
  return buildBackupMeta({
    ...job.input.meta,
    sha256: local.hex,
    size: job.size,
    uploaded_at: (job.input.now ?? (() => new Date()))(),
    storage: storageInfo(job.bucket, job.key, object, undefined),
    ...(retention ? { object_lock: lockInfo(retention) } : {}),
  });
}

async function upload(job: Job): Promise<UploadFileResult> {
  const { input, key, emit } = job;
  emit("upload.start", { key, size: job.size });
  const up = await uploadFile({
    client: job.client,
    bucket: job.bucket,
    key,
    source: { kind: "file", path: input.file, size: job.size },
    sse: job.sse,
    ...(input.objectLock ? { objectLock: input.objectLock } : {}),
    metadata: objectMetadata(input.meta),
    ...(input.partSize === undefined ? {} : { partSize: input.partSize }),
    ...(input.concurrency === undefined ? {} : { concurrency: input.concurrency }),
    ...(input.partChecksum === undefined ? {} : { partChecksum: input.partChecksum }),
    ...(input.resumeIdleMs === undefined ? {} : { resumeIdleMs: input.resumeIdleMs }),
    ...(job.signal ? { signal: job.signal } : {}),
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    onEvent: emit,
  });
  emit("upload.done", {
    key,
    sha256: up.digest.hex,
    etag: up.etag,
    parts: up.plan.parts,
    written: up.written,
  });
  return up;
}

/**
 * The stored object must be what was sent, and the file what backup.sh recorded. Only an object
 * this run's own request created is deleted on failure: after a recovered 412 the object in
 * place may be another writer's (with the same bytes), and it stays.
 */
async function verifyUploaded(job: Job, up: UploadFileResult): Promise<ObjectInfo> {
  try {
    assertExpected(job, up.digest.hex);
    const object = await verifyObject(job, {
      digest: up.digest,
      etag: up.etag,
      multipart: up.plan.multipart,
      checksumSha256: up.checksumSha256,
      checksumCrc32: up.checksumCrc32,
      written: up.written,
    });
    const retention = await settleRetention(job, job.input.objectLock, object.objectLock);
    return retention ? { ...object, objectLock: retention } : object;
  } catch (error) {
    if (up.written) await deleteQuietly(job.client, job.bucket, job.key);
    throw error;
  }
}

/** Write the sidecar (the commit marker) and read it back: only then is the backup committed. */
async function commit(job: Job, meta: BackupMeta, status: PutStatus): Promise<PutBackupResult> {
  const { client, bucket, key, metaKey, signal, emit } = job;
  const written = await writeSidecar(
    client,
    bucket,
    metaKey,
    meta,
    job.sse,
    signal,
    job.input.objectLock,
  );
  if (written.state === "twin") {
    // An identical upload committed first: the same bytes are stored and committed once.
    emit("commit.twin", { key, sidecar: metaKey, uploaded_at: written.meta.uploaded_at });
    return result(job, "skipped", written.meta);
  }
  const head = await headObject(client, bucket, metaKey, signal);
  if (!head || head.size !== written.bytes) {
    throw new NbsError(
      "NOT_COMMITTED",
      `sidecar s3://${bucket}/${metaKey} did not read back as written`,
      {
        hint: "the backup is not committed; re-run the upload",
      },
    );
  }
  emit("commit.done", { key, sidecar: metaKey });
  return result(job, status, meta);
}

function result(job: Job, status: PutStatus, meta: BackupMeta): PutBackupResult {
  const { bucket, key, metaKey } = job;
  return { status, bucket, key, sidecarKey: metaKey, sha256: meta.sha256, size: meta.size, meta };
}

function hashLocal(job: Job): Promise<Sha256Digest> {
  return sha256File(job.input.file, job.signal ? { signal: job.signal } : {});
}

export function objectMetadata(meta: SidecarFields): Record<string, string> {
  const created = meta.created_at instanceof Date ? meta.created_at.toISOString() : meta.created_at;
  return {
    "nbs-db": meta.db_name,
    "nbs-created-at": created,
    "nbs-tool": `${meta.tool.name}/${meta.tool.version}`,
  };
}

async function deleteQuietly(client: S3Client, bucket: string, key: string): Promise<void> {
  try {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  } catch {
    // Left without a sidecar it is not a backup; listing and retention ignore it.
  }
}

function assertStoredMatches(job: Job, stored: ObjectInfo, meta: BackupMeta): void {
  const problems: string[] = [];
  if (stored.size !== meta.size)
    problems.push(`size ${stored.size} != ${meta.size} in the sidecar`);
  const etag = meta.storage?.etag;
  if (etag && stored.etag !== etag) problems.push(`etag ${stored.etag} != ${etag} in the sidecar`);
  // "none" in the sidecar records an object stored without SSE (HEAD reports none).
  if (meta.storage?.sse && (stored.sse ?? "none") !== meta.storage.sse) {
    problems.push(`encryption ${stored.sse ?? "none"} != ${meta.storage.sse} in the sidecar`);
  }
  if (problems.length > 0) {
    throw new NbsError(
      "STORED_OBJECT_CHANGED",
      `s3://${job.bucket}/${job.key} no longer matches its sidecar: ${problems.join("; ")}`,
      {
        hint: "the stored dump was changed outside nbs; keep the local dump and investigate (nbs-verify)",
      },
    );
  }
}

function assertExpected(job: Job, actual: string): void {
  const expected = job.input.expectedSha256;
  if (expected !== undefined && actual !== expected) {
    throw new NbsError(
      "LOCAL_CHECKSUM_MISMATCH",
      `the dump's sha256 ${actual.slice(0, 12)}… differs from ${expected.slice(0, 12)}… recorded when it was taken; s3://${job.bucket}/${job.key} not committed`,
      { hint: "the dump changed after backup.sh wrote its sidecar; take a fresh backup" },
    );
  }
}
