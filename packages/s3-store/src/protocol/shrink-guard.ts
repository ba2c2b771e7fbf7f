import type { S3Client } from "@aws-sdk/client-s3";
import {
  detectShrink,
  shrinkMeasures,
  shrinkRatio,
  type ShrinkMeasures,
  type ShrinkRecord,
} from "@nbs/metadata";
import { isNbsError } from "@nbs/errors";
import { headBackup, type CommittedBackup } from "./head.js";
import { listDumps } from "./list.js";
import type { StoreEvent } from "./put.js";

export interface ShrinkGuardInput {
  client: S3Client;
  bucket: string;
  prefix: string;
  db: string;
  /** This backup's key (never compared with itself) and dump time (only older backups count). */
  key: string;
  createdAt: Date;
  /** This backup's counts (when known) and uncompressed dump bytes. */
  to: ShrinkMeasures;
  /** A drop beyond this share (0.5 = 50 %) on any measure is a shrink. */
  maxShrink: number;
  signal?: AbortSignal | undefined;
  onEvent?: StoreEvent | undefined;
}

/**
 * What the guard found: `shrunk` (record it in the sidecar), `ok` (compared, within the share),
 * `first` (no older committed backup of the database) or `unchecked` (the previous backup could
 * not be read, e.g. no s3:ListBucket; the reason says why).
 */
export type ShrinkCheck =
  | { state: "shrunk"; shrink: ShrinkRecord }
  | { state: "ok"; from_key: string; ratio: number | undefined }
  | { state: "first" }
  | { state: "unchecked"; reason: string };

/** Broken backups passed over before the guard gives up looking for an older committed one. */
const MAX_BROKEN = 5;

/**
 * Compare a new backup with the previous committed backup of the same database (the newest one
 * older than it). Never throws, except when `signal` aborted or the store does not answer at all
 * (TIMEOUT, NETWORK: the upload could not succeed either): a backup is never blocked by it (a
 * mass delete can be intended); a shrink is warned (`backup.shrunk`) and returned for the sidecar.
 */
export async function checkShrink(input: ShrinkGuardInput): Promise<ShrinkCheck> {
  const emit: StoreEvent = input.onEvent ?? (() => {});
  let check: ShrinkCheck;
  try {
    const previous = await previousBackup(input);
    if (!previous) check = { state: "first" };
    else {
      const from = shrinkMeasures(previous.meta);
      const shrink = detectShrink(previous.key, from, input.to, input.maxShrink);
      check = shrink
        ? { state: "shrunk", shrink }
        : { state: "ok", from_key: previous.key, ratio: shrinkRatio(from, input.to) };
    }
  } catch (error) {
    if (input.signal?.aborted) throw error;
    // A store that does not answer at all (after the retries) would fail the upload too: fail
    // now with its error rather than wait out the same retries twice.
    if (isNbsError(error) && (error.code === "TIMEOUT" || error.code === "NETWORK")) throw error;
    check = { state: "unchecked", reason: error instanceof Error ? error.message : String(error) };
  }
  if (check.state === "shrunk") {
    const s = check.shrink;
    emit(
      "backup.shrunk",
      {
        key: input.key,
        from_key: s.from_key,
        ratio: s.ratio,
        from: s.from,
        to: s.to,
        max_shrink: input.maxShrink,
        message: `this backup is ${Math.round((1 - s.ratio) * 100)}% smaller than the previous one (${s.from_key}); it is stored anyway and marked with shrink in its sidecar: check the database was not emptied by mistake`,
      },
      "warn",
    );
  } else if (check.state === "unchecked") {
    emit(
      "backup.shrink.unchecked",
      {
        key: input.key,
        reason: check.reason,
        message: "the previous backup could not be read: this one was not compared with it",
      },
      "warn",
    );
  } else emit("backup.shrink.checked", { key: input.key, ...check });
  return check;
}

async function previousBackup(input: ShrinkGuardInput): Promise<CommittedBackup | undefined> {
  const dumps = await listDumps({
    client: input.client,
    bucket: input.bucket,
    prefix: input.prefix,
    db: input.db,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  let broken = 0;
  for (const dump of dumps) {
    if (dump.state !== "committed" || dump.key === input.key) continue;
    if (dump.createdAt.getTime() >= input.createdAt.getTime()) continue;
    try {
      const backup = await headBackup(input.client, input.bucket, dump.key, input.signal);
      if (backup) return backup;
    } catch (error) {
      if (!isNbsError(error) || error.category !== "INTEGRITY") throw error;
      if (++broken >= MAX_BROKEN) return undefined;
    }
  }
  return undefined;
}
