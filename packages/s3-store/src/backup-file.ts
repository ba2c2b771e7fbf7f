import type { S3Client } from "@aws-sdk/client-s3";
import { sha256File } from "@nbs/checksum";
import {
  buildBackupMeta,
  normalizePrefix,
  sidecarKey,
  backupKey,
  isValidBucketName,
  type BackupMeta,
  type CompressionInfo,
  type ShrinkRecord,
  type ToolInfo,
} from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import { rm } from "node:fs/promises";
import { compressToTemp } from "./local/compress.js";
import { checkRecorded, localUser, nameOf } from "./local/describe.js";
import { inspectLocalDump, type LocalDump } from "./local/local-dump.js";
import { putBackup, type SidecarFields, type StoreEvent } from "./protocol/put.js";
import { checkShrink } from "./protocol/shrink-guard.js";
import { DEFAULT_PART_SIZE, planMultipartUpload } from "./transport/plan.js";
import { assertSseOptions, type SseOptions, type SseRequest } from "./transport/sse.js";
import type { ObjectLockRequest } from "./transport/object-lock.js";
import type { PartChecksum, UploadProgress } from "./transport/upload-input.js";
import pkg from "../package.json" with { type: "json" };

export interface BackupFileOptions {
  /** Needed unless `dryRun`: the client every request goes through (see createS3Client). */
  client?: S3Client | undefined;
  /** The dump (`<db>-<yyyymmddThhmmssZ>.dump` from backup.sh, or any name with dbName). */
  file: string;
  bucket: string;
  /** Key prefix, one per environment (default: none). */
  prefix?: string;
  /** Default: the local sidecar's db_name, else the file name's `<db>-…`, else the name without `.dump`. */
  dbName?: string;
  /** The dump's creation time, which names the key. Default: from the file name, the local sidecar, else the file's mtime. */
  createdAt?: Date;
  /** Default `AES256`; `bucket` for the bucket's default encryption; `none` for stores without SSE. */
  sse?: SseRequest;
  /** SSE-KMS key id or ARN (implies `sse: "aws:kms"`). */
  kmsKeyId?: string;
  /** S3 Object Lock on the dump and its sidecar (default `none`), see PutBackupInput. */
  objectLock?: ObjectLockRequest;
  /** Compress into a private temp copy before uploading (key gets `.zst` / `.gz`). Default `none`. */
  compress?: "none" | "zstd" | "gzip";
  /** Where the compressed copy is written (default the OS temp dir). */
  tempDir?: string;
  /** Upload a file that does not start like a Neo4j dump. */
  allowAnyFile?: boolean;
  /** Recorded as created_by; wins over the local sidecar's. */
  createdBy?: string;
  /** created_by when neither `createdBy` nor the local sidecar names one (default `user@host`). */
  defaultCreatedBy?: string;
  commitSha?: string;
  /** Days the bucket's lifecycle keeps backups under the prefix; recorded in the sidecar. */
  retentionDays?: number;
  /** Recorded as the writing tool (default @nbs/s3-store and its version). */
  tool?: ToolInfo;
  partSize?: number;
  /** Parts in flight (default 4); memory is about concurrency × partSize. */
  concurrency?: number;
  partChecksum?: PartChecksum;
  resumeIdleMs?: number;
  /** After the backup is committed (or found committed), delete the local dump and its local sidecar. */
  pruneLocal?: boolean;
  /** Check and hash everything locally and return the plan; no request is sent, nothing changes. */
  dryRun?: boolean;
  /**
   * Shrink guard: compare with the previous committed backup of the database and record a drop
   * beyond this share (0.5 = 50 %) in the sidecar's `shrink` (warned as `backup.shrunk`; never
   * blocks the upload). Undefined: not compared.
   */
  maxShrink?: number;
  signal?: AbortSignal;
  onProgress?: (progress: UploadProgress) => void;
  /** The steps as events (`upload.input`, `upload.plan`, `upload.pruned`, protocol events…). */
  onEvent?: StoreEvent;
  now?: () => Date;
}

export type BackupOutcome = "uploaded" | "skipped" | "adopted" | "dry-run";

export interface BackupFileResult {
  outcome: BackupOutcome;
  bucket: string;
  key: string;
  sidecarKey: string;
  sha256: string;
  size: number;
  /** The encryption the store applied (as its HEAD reports it), or the one planned on a dry run. */
  sse: SseRequest;
  parts: number;
  /** The part size a multipart upload used (or would use); undefined for a single PUT. */
  partSize: number | undefined;
  pruned: boolean;
  /** The committed sidecar (on a dry run, the one that would be written). */
  meta: BackupMeta;
}

const DEFAULT_TOOL: ToolInfo = { name: "@nbs/s3-store", version: pkg.version };

/**
 * Everything `nbs-upload` does for one file: check it locally (readable, non-empty, a Neo4j dump
 * unless allowAnyFile, its local `.meta.json`), derive the key (db + dump time), compress to a
 * temp copy if asked, upload and commit with putBackup (refusing a dump that no longer matches
 * the sha256 its local sidecar recorded), then optionally prune the local copy. Never reads the
 * environment, prints or exits.
 */
export async function backupFile(options: BackupFileOptions): Promise<BackupFileResult> {
  const emit: StoreEvent = options.onEvent ?? (() => {});
  if (!isValidBucketName(options.bucket)) {
    throw new NbsError(
      "BUCKET_NAME_INVALID",
      `invalid bucket name ${JSON.stringify(options.bucket)}`,
      {
        hint: "S3 bucket names are 3-63 lowercase letters, digits, '.' and '-'",
      },
    );
  }
  const { client } = options;
  if (!options.dryRun && client === undefined) {
    throw new NbsError("S3_CLIENT_MISSING", "backupFile needs an S3 client", {
      hint: "pass client (createS3Client), or dryRun: true",
    });
  }
  const prefix = normalizePrefix(options.prefix ?? "");
  const sse = sseOptions(options);
  if (sse.mode === "none") {
    emit(
      "upload.sse.none",
      {
        message:
          "--sse none: nbs requests no server-side encryption; the backup is stored as the store's defaults leave it",
      },
      "warn",
    );
  }
  const compress = options.compress ?? "none";
  const dump = await inspectLocalDump(options.file, options.allowAnyFile ?? false);
  // S3's limits are checked before anything is read or sent (a file over 5 TiB is an input error).
  planMultipartUpload(compress === "none" ? dump.size : 0, options.partSize);
  emit(
    "upload.input",
    {
      file: options.file,
      size: dump.size,
      dump_format: dump.format.kind,
      local_sidecar: dump.localMeta !== undefined,
    },
    "info",
  );
  const { db, createdAt } = nameOf(options, dump);

  let uploadPath = options.file;
  let compression: CompressionInfo | undefined;
  let cleanup = async () => {};
  try {
    if (compress !== "none") {
      if (dump.format.compression === "zstd" || dump.format.compression === "gzip") {
        emit(
          "upload.compress.redundant",
          {
            message: `this dump is already ${dump.format.compression}-compressed by Neo4j; --compress ${compress} will gain little`,
          },
          "warn",
        );
      }
      const packed = await compressToTemp(options.file, compress, {
        signal: options.signal,
        tempDir: options.tempDir,
      });
      cleanup = packed.cleanup;
      uploadPath = packed.path;
      compression = {
        algorithm: compress,
        original_size: packed.original.size,
        original_sha256: packed.original.hex,
      };
      checkRecorded(packed.original.hex, dump);
    }
    const meta: SidecarFields = {
      db_name: db,
      created_at: createdAt,
      created_by:
        options.createdBy ?? dump.localMeta?.created_by ?? options.defaultCreatedBy ?? localUser(),
      ...(options.commitSha ? { commit_sha: options.commitSha } : {}),
      ...(options.retentionDays === undefined ? {} : { retention_days: options.retentionDays }),
      tool: options.tool ?? DEFAULT_TOOL,
      ...(dump.format.kind === "unknown" ? {} : { dump_format: dump.format.kind }),
      ...(dump.localMeta?.neo4j ? { neo4j: dump.localMeta.neo4j } : {}),
      ...(dump.localMeta?.stats ? { stats: dump.localMeta.stats } : {}),
      ...(compression ? { compression } : {}),
    };
    const job = {
      options,
      bucket: options.bucket,
      prefix,
      sse,
      meta,
      uploadPath,
      dump,
      compression,
    };
    // (Without a client it is a dry run: checked above.)
    if (options.dryRun || client === undefined) return await dryRunPlan(job);
    return await upload(job, client, emit);
  } finally {
    await cleanup();
  }
}

interface Job {
  options: BackupFileOptions;
  bucket: string;
  prefix: string;
  sse: SseOptions;
  meta: SidecarFields;
  uploadPath: string;
  dump: LocalDump;
  compression: CompressionInfo | undefined;
}

async function upload(job: Job, client: S3Client, emit: StoreEvent): Promise<BackupFileResult> {
  const { options } = job;
  emit(
    "upload.plan",
    {
      bucket: job.bucket,
      key: keyOf(job),
      sse: job.sse.mode,
      part_size: options.partSize ?? DEFAULT_PART_SIZE,
      concurrency: options.concurrency ?? 4,
    },
    "info",
  );
  const expected = job.compression ? undefined : job.dump.localMeta?.sha256;
  const shrink = await guardShrink(job, client, emit);
  const result = await putBackup({
    client,
    bucket: job.bucket,
    prefix: job.prefix,
    file: job.uploadPath,
    sse: job.sse,
    ...(options.objectLock ? { objectLock: options.objectLock } : {}),
    meta: shrink ? { ...job.meta, shrink } : job.meta,
    ...(expected ? { expectedSha256: expected } : {}),
    ...(options.partSize === undefined ? {} : { partSize: options.partSize }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.partChecksum === undefined ? {} : { partChecksum: options.partChecksum }),
    ...(options.resumeIdleMs === undefined ? {} : { resumeIdleMs: options.resumeIdleMs }),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.now ? { now: options.now } : {}),
    onEvent: emit,
  });
  let pruned = false;
  if (options.pruneLocal) {
    // Only now: the backup is committed (or was found committed and still matching).
    await rm(job.dump.path);
    await rm(`${job.dump.path}.meta.json`, { force: true });
    pruned = true;
    emit("upload.pruned", { file: job.dump.path }, "info");
  }
  const storage = result.meta.storage;
  return {
    outcome: result.status,
    bucket: result.bucket,
    key: result.key,
    sidecarKey: result.sidecarKey,
    sha256: result.sha256,
    size: result.size,
    sse: storage?.sse ?? job.sse.mode,
    parts: storage?.parts ?? 1,
    partSize: storage?.part_size,
    pruned,
    meta: result.meta,
  };
}

/** The shrink record for the sidecar, when the guard is on and the dump dropped beyond it. */
async function guardShrink(
  job: Job,
  client: S3Client,
  emit: StoreEvent,
): Promise<ShrinkRecord | undefined> {
  const { maxShrink, signal } = job.options;
  if (maxShrink === undefined) return undefined;
  const stats = job.meta.stats;
  const check = await checkShrink({
    client,
    bucket: job.bucket,
    prefix: job.prefix,
    db: job.meta.db_name,
    key: keyOf(job),
    createdAt: new Date(job.meta.created_at),
    to: {
      ...(stats ? { nodes: stats.nodes, relationships: stats.relationships } : {}),
      size: job.dump.size,
    },
    maxShrink,
    signal,
    onEvent: emit,
  });
  return check.state === "shrunk" ? check.shrink : undefined;
}

async function dryRunPlan(job: Job): Promise<BackupFileResult> {
  const digest = await sha256File(
    job.uploadPath,
    job.options.signal ? { signal: job.options.signal } : {},
  );
  checkRecorded(job.compression ? job.compression.original_sha256 : digest.hex, job.dump);
  const plan = planMultipartUpload(digest.size, job.options.partSize);
  const key = keyOf(job);
  const lock = job.options.objectLock;
  const meta = buildBackupMeta({
    ...job.meta,
    sha256: digest.hex,
    size: digest.size,
    // With `bucket` the encryption is the store's to report once it answers the write: the plan
    // has no storage block rather than a guess (the written sidecar records what HEAD reports).
    ...(job.sse.mode === "bucket"
      ? {}
      : {
          storage: {
            bucket: job.bucket,
            key,
            sse: job.sse.mode,
            ...(job.sse.mode === "aws:kms" && job.sse.kmsKeyId
              ? { kms_key_id: job.sse.kmsKeyId }
              : {}),
            ...(plan.multipart ? { part_size: plan.partSize, parts: plan.parts } : {}),
          },
        }),
    ...(lock?.mode === "GOVERNANCE" || lock?.mode === "COMPLIANCE"
      ? { object_lock: { mode: lock.mode, retain_until: lock.retainUntil.toISOString() } }
      : {}),
  });
  return {
    outcome: "dry-run",
    bucket: job.bucket,
    key,
    sidecarKey: sidecarKey(key),
    sha256: digest.hex,
    size: digest.size,
    sse: job.sse.mode,
    parts: plan.parts,
    partSize: plan.partSize,
    pruned: false,
    meta,
  };
}

function keyOf(job: Job): string {
  return backupKey({
    prefix: job.prefix,
    db: job.meta.db_name,
    createdAt: new Date(job.meta.created_at),
    compression: job.compression?.algorithm ?? "none",
  });
}

function sseOptions(options: BackupFileOptions): SseOptions {
  const mode = options.sse ?? (options.kmsKeyId === undefined ? "AES256" : "aws:kms");
  if (options.kmsKeyId !== undefined && mode !== "aws:kms") {
    throw new NbsError("SSE_MODE_INVALID", `a KMS key id needs sse aws:kms, not ${mode}`, {
      hint: "drop the KMS key id, or use --sse aws:kms",
    });
  }
  const sse = (
    mode === "aws:kms" && options.kmsKeyId !== undefined
      ? { mode, kmsKeyId: options.kmsKeyId }
      : { mode }
  ) as SseOptions;
  assertSseOptions(sse);
  return sse;
}
