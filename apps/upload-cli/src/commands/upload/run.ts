import {
  createProgress,
  storeClient,
  type CliLogger,
  type Outcome,
  requireRegion,
} from "@nbs/cli-kit";
import { isValidBucketName } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import type { createS3Client } from "@nbs/s3-store";
import {
  backupFile,
  type BackupFileOptions,
  type BackupFileResult,
  type UploadProgress,
} from "@nbs/s3-store";
import { createMemoryReclaimer } from "../../memory.js";
import { objectLockRequest } from "../../object-lock-settings.js";
import { logRequests } from "../../request-log.js";
import type { UploadSettings } from "./settings.js";
import { TOOL } from "../../tool.js";
import { defaultCreatedBy } from "../../who.js";

export interface UploadDeps {
  logger: CliLogger;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
  tty?: NodeJS.WriteStream;
  createClient?: typeof createS3Client;
  /** Receives the stored backup's result (for the metrics). */
  onResult?: (result: BackupFileResult) => void;
}

/** `nbs-upload [upload]`: settings → backupFile (@nbs/s3-store does the work) → the outcome. */
export async function runUpload(settings: UploadSettings, deps: UploadDeps): Promise<Outcome> {
  const { logger, signal } = deps;
  const file = required(settings.file, "--file", "the dump to upload");
  const bucket = required(settings.bucket, "--bucket", "or BACKUP_S3_BUCKET");
  if (!isValidBucketName(bucket))
    throw new NbsError("BUCKET_NAME_INVALID", `invalid bucket name ${JSON.stringify(bucket)}`, {
      hint: "S3 bucket names are 3-63 lowercase letters, digits, '.' and '-'",
    });
  if (!settings.dryRun) requireRegion(settings.region);
  const objectLock = objectLockRequest(settings, new Date());
  const onProgress = progressReporter(logger, deps.tty);
  const options: BackupFileOptions = {
    file,
    bucket,
    prefix: settings.prefix,
    ...(settings.dbName === undefined ? {} : { dbName: settings.dbName }),
    sse: settings.sse,
    ...(settings.sse === "aws:kms" && settings.kmsKey !== undefined
      ? { kmsKeyId: settings.kmsKey }
      : {}),
    ...(objectLock.mode === "none" ? {} : { objectLock }),
    compress: settings.compress,
    allowAnyFile: settings.allowAnyFile,
    ...(settings.createdBy === undefined ? {} : { createdBy: settings.createdBy }),
    defaultCreatedBy: defaultCreatedBy(deps.env),
    ...(settings.commitSha ? { commitSha: settings.commitSha } : {}),
    ...(settings.retentionDays === undefined ? {} : { retentionDays: settings.retentionDays }),
    tool: TOOL,
    partSize: settings.partSize,
    concurrency: settings.concurrency,
    partChecksum: settings.partChecksum,
    resumeIdleMs: settings.resumeIdle * 1000,
    pruneLocal: settings.pruneLocal,
    maxShrink: settings.maxShrink,
    signal,
    onProgress: onProgress.update,
    onEvent: (event, fields, level) => logger.log(level ?? "debug", event, fields),
  };
  if (settings.dryRun) return render(await backupFile({ ...options, dryRun: true }), settings);

  const client = storeClient(settings, deps.createClient, {
    payloadSigning: settings.payloadSigning,
    maxSockets: settings.concurrency * 2 + 2,
  });
  if (settings.verbose) logRequests(client, logger);
  try {
    const result = await backupFile({ ...options, client });
    onProgress.done();
    deps.onResult?.(result);
    return { ...render(result, settings), ...onProgress.totals(), pruned: result.pruned };
  } finally {
    client.destroy();
  }
}

/** The outcome as nbs-upload has always reported it (--json and the final log event). */
function render(result: BackupFileResult, settings: UploadSettings): Outcome {
  const common = {
    outcome: result.outcome,
    bucket: result.bucket,
    key: result.key,
    sidecar_key: result.sidecarKey,
    sha256: result.sha256,
    size: result.size,
    sse: result.sse,
    parts: result.parts,
    ...(result.meta.object_lock ? { object_lock: result.meta.object_lock } : {}),
    ...(result.meta.shrink ? { shrink: result.meta.shrink } : {}),
  };
  if (result.outcome !== "dry-run") return common;
  return {
    ...common,
    part_size: result.partSize,
    prune_local: settings.pruneLocal,
    meta: result.meta,
  };
}

function required(value: string | undefined, flag: string, what: string): string {
  if (value === undefined || value === "")
    throw new NbsError("SETTING_MISSING", `missing ${flag}`, { hint: `pass ${flag} (${what})` });
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
