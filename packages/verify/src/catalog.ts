import type { S3Client } from "@aws-sdk/client-s3";
import { sidecarKey, type ObjectLockInfo, type ShrinkRecord } from "@nbs/metadata";
import { isNbsError } from "@nbs/errors";
import { headBackup, listDumps, type DumpListing, type VerificationRef } from "@nbs/s3-store";

/**
 * One line of the catalogue. `committed`: its sidecar validates, its object exists with the
 * recorded size. `broken`: a sidecar is there but invalid, commits a missing dump, or records
 * another size — not a backup to restore. `uncommitted`: a dump without a sidecar (an upload still
 * running, or one that never committed), shown only when asked for.
 */
export interface CatalogEntry {
  state: "committed" | "broken" | "uncommitted";
  db: string;
  key: string;
  /** Dump time (ISO 8601 UTC): the sidecar's, else the one encoded in the key. */
  created_at: string;
  /** Bytes stored (0 when the object is missing). */
  size: number;
  sha256?: string;
  uploaded_at?: string;
  neo4j_version?: string;
  nodes?: number;
  relationships?: number;
  /** False when the counts were taken while writes were landing (not compared by verify). */
  counts_exact?: boolean;
  compression?: string;
  /** S3 Object Lock retention of the dump: as the store reports it (HEAD), else as the sidecar recorded it. */
  object_lock?: ObjectLockInfo;
  /** Why a `broken` entry is broken. */
  reason?: string;
  /** Uncompressed dump bytes (the object's size unless it was compressed by nbs). */
  dump_size?: number;
  /** The sidecar's shrink record: it dropped beyond the uploader's --max-shrink vs the previous backup. */
  shrink?: ShrinkRecord;
  /** The newest verification record (`nbs-verify --record`); absent when none was recorded. */
  last_verification?: { verified_at: string; mode: string; ok: boolean; key: string };
}

export interface CatalogInput {
  client: S3Client;
  bucket: string;
  prefix: string;
  db?: string;
  /** Include dumps without a sidecar. */
  all?: boolean;
  signal?: AbortSignal;
  /** Sidecars read at once (default 8). */
  concurrency?: number;
}

/** Backups under a prefix, newest dump time first, each read and classified by its sidecar. */
export async function catalogBackups(input: CatalogInput): Promise<CatalogEntry[]> {
  const listed = (
    await listDumps({
      client: input.client,
      bucket: input.bucket,
      prefix: input.prefix,
      ...(input.db ? { db: input.db } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
    })
  ).filter((d) => input.all === true || d.state !== "uncommitted");
  const out: CatalogEntry[] = [];
  const width = input.concurrency ?? 8;
  for (let i = 0; i < listed.length; i += width) {
    out.push(...(await Promise.all(listed.slice(i, i + width).map((d) => describe(d, input)))));
  }
  return out.filter((e) => input.all === true || e.state !== "uncommitted");
}

async function describe(dump: DumpListing, input: CatalogInput): Promise<CatalogEntry> {
  const base = {
    db: dump.db,
    key: dump.key,
    created_at: dump.createdAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
    size: dump.size,
    ...(dump.lastVerification
      ? { last_verification: lastVerification(dump.lastVerification) }
      : {}),
  };
  if (dump.state === "uncommitted") return { state: "uncommitted", ...base };
  if (dump.state === "orphan")
    return {
      state: "broken",
      ...base,
      reason: `${sidecarKey(dump.key).split("/").pop()} commits a dump that is missing`,
    };
  let backup;
  try {
    backup = await headBackup(input.client, input.bucket, dump.key, input.signal);
  } catch (error) {
    if (!isNbsError(error) || error.category !== "INTEGRITY") throw error;
    return { state: "broken", ...base, reason: error.message };
  }
  // The sidecar went away after the listing: no longer committed.
  if (!backup) return { state: "uncommitted", ...base };
  const { meta, object } = backup;
  const stats = meta.stats;
  const entry: CatalogEntry = {
    state: "committed",
    ...base,
    created_at: meta.created_at,
    size: object.size,
    sha256: meta.sha256,
    ...(meta.uploaded_at ? { uploaded_at: meta.uploaded_at } : {}),
    ...(meta.neo4j ? { neo4j_version: meta.neo4j.version } : {}),
    ...(stats ? { nodes: stats.nodes, relationships: stats.relationships } : {}),
    ...(stats?.exact !== undefined ? { counts_exact: stats.exact } : {}),
    ...(meta.compression ? { compression: meta.compression.algorithm } : {}),
    ...lockOf(object.objectLock, meta.object_lock),
    dump_size: meta.compression?.original_size ?? object.size,
    ...(meta.shrink ? { shrink: meta.shrink } : {}),
  };
  if (object.size !== meta.size)
    return {
      ...entry,
      state: "broken",
      reason: `the stored object is ${object.size} bytes, the sidecar records ${meta.size}`,
    };
  return entry;
}

function lockOf(
  reported: { mode: ObjectLockInfo["mode"]; retainUntil: Date } | undefined,
  recorded: ObjectLockInfo | undefined,
): { object_lock?: ObjectLockInfo } {
  if (reported)
    return {
      object_lock: { mode: reported.mode, retain_until: reported.retainUntil.toISOString() },
    };
  return recorded ? { object_lock: recorded } : {};
}

/** Only successful verifications leave a record, so one found is `ok`. */
function lastVerification(ref: VerificationRef): NonNullable<CatalogEntry["last_verification"]> {
  return {
    verified_at: ref.verifiedAt.toISOString(),
    mode: ref.mode,
    ok: true,
    key: ref.recordKey,
  };
}
