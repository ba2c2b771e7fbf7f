import type { S3Client } from "@aws-sdk/client-s3";
import { sha256File } from "@nbs/checksum";
import { createProgress, s3ClientOptions, type CliLogger, type Outcome } from "@nbs/cli-kit";
import {
  backupKey,
  buildBackupMeta,
  isValidBucketName,
  isValidDbName,
  normalizePrefix,
  parseBackupFileName,
  type CompressionInfo,
} from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import {
  createS3Client,
  planMultipartUpload,
  putBackup,
  type SidecarFields,
  type SseOptions,
  type UploadProgress,
} from "@nbs/s3-store";
import { rm } from "node:fs/promises";
import { basename } from "node:path";
import { compressToTemp } from "./compress.js";
import { inspectLocalDump, type LocalDump } from "./local-file.js";
import { createMemoryReclaimer } from "./memory.js";
import { logRequests } from "./request-log.js";
import type { UploadSettings } from "./settings.js";
import { TOOL } from "./tool.js";
import { defaultCreatedBy } from "./who.js";

export interface UploadDeps {
  logger: CliLogger;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
  tty?: NodeJS.WriteStream;
  createClient?: typeof createS3Client;
}

export async function runUpload(settings: UploadSettings, deps: UploadDeps): Promise<Outcome> {
  const { logger, signal } = deps;
  const file = required(settings.file, "--file", "the dump to upload");
  const bucket = required(settings.bucket, "--bucket", "or BACKUP_S3_BUCKET");
  if (!isValidBucketName(bucket))
    throw new NbsError("USAGE", `invalid bucket name ${JSON.stringify(bucket)}`, {
      hint: "S3 bucket names are 3-63 lowercase letters, digits, '.' and '-'",
    });
  const prefix = normalizePrefix(settings.prefix);
  if (settings.region === undefined && !settings.dryRun) {
    throw new NbsError("USAGE", "no AWS region configured", {
      hint: "pass --region or set AWS_REGION (with --endpoint it defaults to us-east-1)",
    });
  }
  const sse: SseOptions =
    settings.sse !== "aws:kms"
      ? { mode: settings.sse }
      : settings.kmsKey === undefined
        ? { mode: "aws:kms" }
        : { mode: "aws:kms", kmsKeyId: settings.kmsKey };
  if (sse.mode === "none") {
    logger.log("warn", "upload.sse.none", {
      message:
        "--sse none: nbs requests no server-side encryption; the backup is stored as the store's defaults leave it",
    });
  }

  const dump = await inspectLocalDump(file, settings.allowAnyFile);
  // S3's limits are checked before anything is read or sent (a file over 5 TiB is an input error).
  planMultipartUpload(settings.compress === "none" ? dump.size : 0, settings.partSize);
  logger.log("info", "upload.input", {
    file,
    size: dump.size,
    dump_format: dump.format.kind,
    local_sidecar: dump.localMeta !== undefined,
  });
  const named = parseBackupFileName(basename(file));
  const db =
    settings.dbName ??
    dump.localMeta?.db_name ??
    named?.db ??
    basename(file).replace(/\.dump$/, "");
  if (!isValidDbName(db))
    throw new NbsError("USAGE", `cannot use ${JSON.stringify(db)} as a database name`, {
      hint: "pass --db-name",
    });
  const createdAt =
    named?.createdAt ?? (dump.localMeta ? new Date(dump.localMeta.created_at) : dump.mtime);

  let uploadPath = file;
  let compression: CompressionInfo | undefined;
  let cleanup = async () => {};
  try {
    if (settings.compress !== "none") {
      if (dump.format.compression === "zstd" || dump.format.compression === "gzip") {
        logger.log("warn", "upload.compress.redundant", {
          message: `this dump is already ${dump.format.compression}-compressed by Neo4j; --compress ${settings.compress} will gain little`,
        });
      }
      const packed = await compressToTemp(file, settings.compress, signal);
      cleanup = packed.cleanup;
      uploadPath = packed.path;
      compression = {
        algorithm: settings.compress,
        original_size: packed.original.size,
        original_sha256: packed.original.hex,
      };
      checkRecorded(packed.original.hex, dump);
    }
    const key = backupKey({ prefix, db, createdAt, compression: settings.compress });
    const meta: SidecarFields = {
      db_name: db,
      created_at: createdAt,
      created_by: settings.createdBy ?? dump.localMeta?.created_by ?? defaultCreatedBy(deps.env),
      ...(settings.commitSha ? { commit_sha: settings.commitSha } : {}),
      ...(settings.retentionDays === undefined ? {} : { retention_days: settings.retentionDays }),
      tool: TOOL,
      ...(dump.format.kind === "unknown" ? {} : { dump_format: dump.format.kind }),
      ...(dump.localMeta?.neo4j ? { neo4j: dump.localMeta.neo4j } : {}),
      ...(dump.localMeta?.stats ? { stats: dump.localMeta.stats } : {}),
      ...(compression ? { compression } : {}),
    };
    if (settings.dryRun)
      return await dryRunPlan({ settings, bucket, key, sse, meta, uploadPath, dump, compression });

    const client = (deps.createClient ?? createS3Client)({
      ...s3ClientOptions(settings),
      payloadSigning: settings.payloadSigning,
      maxSockets: settings.concurrency * 2 + 2,
    });
    if (settings.verbose) logRequests(client, logger);
    try {
      return await upload(
        client,
        { settings, bucket, key, sse, meta, uploadPath, dump, compression },
        deps,
      );
    } finally {
      client.destroy();
    }
  } finally {
    await cleanup();
  }
}

interface Job {
  settings: UploadSettings;
  bucket: string;
  key: string;
  sse: SseOptions;
  meta: SidecarFields;
  uploadPath: string;
  dump: LocalDump;
  compression: CompressionInfo | undefined;
}

async function upload(client: S3Client, job: Job, deps: UploadDeps): Promise<Outcome> {
  const { logger, signal } = deps;
  logger.log("info", "upload.plan", {
    bucket: job.bucket,
    key: job.key,
    sse: job.sse.mode,
    part_size: job.settings.partSize,
    concurrency: job.settings.concurrency,
  });
  const onProgress = progressReporter(logger, deps.tty);
  const expected = job.compression ? undefined : job.dump.localMeta?.sha256;
  const result = await putBackup({
    client,
    bucket: job.bucket,
    key: job.key,
    file: job.uploadPath,
    sse: job.sse,
    meta: job.meta,
    ...(expected ? { expectedSha256: expected } : {}),
    partSize: job.settings.partSize,
    concurrency: job.settings.concurrency,
    partChecksum: job.settings.partChecksum,
    resumeIdleMs: job.settings.resumeIdle * 1000,
    signal,
    onProgress: onProgress.update,
    onEvent: (event, fields, level) => logger.log(level ?? "debug", event, fields),
  });
  onProgress.done();
  let pruned = false;
  if (job.settings.pruneLocal) {
    await rm(job.dump.path);
    await rm(`${job.dump.path}.meta.json`, { force: true });
    pruned = true;
    logger.log("info", "upload.pruned", { file: job.dump.path });
  }
  return {
    outcome: result.status,
    bucket: result.bucket,
    key: result.key,
    sidecar_key: result.sidecarKey,
    sha256: result.sha256,
    size: result.size,
    sse: result.meta.storage?.sse ?? job.sse.mode,
    parts: result.meta.storage?.parts ?? 1,
    ...onProgress.totals(),
    pruned,
  };
}

async function dryRunPlan(job: Job): Promise<Outcome> {
  const digest = await sha256File(job.uploadPath);
  checkRecorded(job.compression ? job.compression.original_sha256 : digest.hex, job.dump);
  const plan = planMultipartUpload(digest.size, job.settings.partSize);
  const meta = buildBackupMeta({
    ...job.meta,
    sha256: digest.hex,
    size: digest.size,
    storage: {
      bucket: job.bucket,
      key: job.key,
      sse: job.sse.mode,
      ...(job.sse.mode === "aws:kms" && job.sse.kmsKeyId ? { kms_key_id: job.sse.kmsKeyId } : {}),
      ...(plan.multipart ? { part_size: plan.partSize, parts: plan.parts } : {}),
    },
  });
  return {
    outcome: "dry-run",
    bucket: job.bucket,
    key: job.key,
    sidecar_key: `${job.key}.meta.json`,
    sha256: digest.hex,
    size: digest.size,
    sse: job.sse.mode,
    parts: plan.parts,
    part_size: plan.partSize,
    prune_local: job.settings.pruneLocal,
    meta,
  };
}

function checkRecorded(actual: string, dump: LocalDump): void {
  const recorded = dump.localMeta?.sha256;
  if (recorded !== undefined && recorded !== actual) {
    throw new NbsError(
      "INTEGRITY",
      `${dump.path} has sha256 ${actual.slice(0, 12)}… but its local sidecar recorded ${recorded.slice(0, 12)}…`,
      {
        hint: "the dump changed after backup.sh wrote it; take a fresh backup",
      },
    );
  }
}

function required(value: string | undefined, flag: string, what: string): string {
  if (value === undefined || value === "")
    throw new NbsError("USAGE", `missing ${flag}`, { hint: `pass ${flag} (${what})` });
  return value;
}

/**
 * What a part's completion reports: the progress bar or events, and every GiB a memory-reducing
 * GC, so RSS stays where the first GiB put it however large the dump (see createMemoryReclaimer).
 */
export function progressReporter(
  logger: CliLogger,
  tty: NodeJS.WriteStream | undefined,
  reclaim: (done: number, total: number) => number | undefined = createMemoryReclaimer(),
) {
  let progress: ReturnType<typeof createProgress> | undefined;
  let sent = 0;
  let reused = 0;
  return {
    /** Bytes this run sent, and bytes of a resumed upload's parts it reused. */
    totals: () => ({ bytes_sent: sent, bytes_reused: reused }),
    update: (p: UploadProgress): void => {
      progress ??= createProgress({
        logger,
        event: "upload.progress",
        total: p.totalBytes,
        ...(tty ? { tty } : {}),
      });
      sent = p.bytesSent;
      reused = p.bytesReused;
      progress.update(p.bytesSent + p.bytesReused, {
        bytes_sent: p.bytesSent,
        bytes_reused: p.bytesReused,
      });
      try {
        const ms = reclaim(p.bytesSent, p.totalBytes);
        if (ms !== undefined) {
          logger.log("debug", "memory.reclaimed", {
            bytes: p.bytesSent,
            gc_ms: Math.round(ms),
            rss_bytes: process.memoryUsage.rss(),
          });
        }
      } catch {
        // Housekeeping only: it must never fail an upload.
      }
    },
    done: (): void => progress?.done(),
  };
}
