import { NbsError } from "@nbs/errors";

/** How a dump file is compressed on top of Neo4j's own format; decides the key's suffix. */
export type KeyCompression = "none" | "zstd" | "gzip";

const SUFFIX: Record<KeyCompression, string> = {
  none: ".dump",
  zstd: ".dump.zst",
  gzip: ".dump.gz",
};
const TS = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const FILE =
  /^(?<db>[A-Za-z0-9][A-Za-z0-9._-]{0,62})-(?<ts>\d{8}T\d{6}Z)\.dump(?<ext>\.zst|\.gz)?$/;
const DB = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const PREFIX_SEGMENT = /^[A-Za-z0-9._=-]+$/;

export const SIDECAR_SUFFIX = ".meta.json";

/** `2026-11-24T10:15:00.123Z` → `20261124T101500Z` (UTC, seconds precision). */
export function formatBackupTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}

export function parseBackupTimestamp(ts: string): Date | undefined {
  const m = TS.exec(ts);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, ...number[]];
  const date = new Date(Date.UTC(y!, mo! - 1, d, h, mi, s));
  return formatBackupTimestamp(date) === ts ? date : undefined;
}

export function isValidDbName(db: string): boolean {
  return DB.test(db);
}

export interface BackupFileName {
  db: string;
  createdAt: Date;
  compression: KeyCompression;
}

/** `neo4j-20261124T101500Z.dump` ⇄ `{ db, createdAt, compression }`. */
export function backupFileName(
  db: string,
  createdAt: Date,
  compression: KeyCompression = "none",
): string {
  if (!isValidDbName(db))
    throw new NbsError("DB_NAME_INVALID", `invalid database name ${JSON.stringify(db)}`, {
      hint: "use letters, digits, '.', '_' or '-' (as Neo4j does)",
    });
  return `${db}-${formatBackupTimestamp(createdAt)}${SUFFIX[compression]}`;
}

export function parseBackupFileName(name: string): BackupFileName | undefined {
  const m = FILE.exec(name);
  const createdAt = m?.groups?.["ts"] ? parseBackupTimestamp(m.groups["ts"]) : undefined;
  if (!m?.groups || !createdAt) return undefined;
  const ext = m.groups["ext"];
  return {
    db: m.groups["db"]!,
    createdAt,
    compression: ext === ".zst" ? "zstd" : ext === ".gz" ? "gzip" : "none",
  };
}

/** Normalise a key prefix: no leading/trailing slashes, safe segments only. "" is allowed. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, "");
  if (trimmed === "") return "";
  const bad = trimmed
    .split("/")
    .find((seg) => !PREFIX_SEGMENT.test(seg) || seg === "." || seg === "..");
  if (bad !== undefined) {
    throw new NbsError(
      "PREFIX_INVALID",
      `invalid key prefix ${JSON.stringify(prefix)} (segment ${JSON.stringify(bad)})`,
      {
        hint: "use segments of letters, digits, '.', '_', '=' or '-' separated by '/', e.g. prod/neo4j",
      },
    );
  }
  return trimmed;
}

export interface BackupKeyParts extends BackupFileName {
  prefix: string;
}

/** `<prefix>/<db>/<db>-<ts>.dump[.zst|.gz]`: deterministic for a given db and dump time. */
export function backupKey(parts: BackupKeyParts): string {
  const prefix = normalizePrefix(parts.prefix);
  const name = backupFileName(parts.db, parts.createdAt, parts.compression);
  return prefix === "" ? `${parts.db}/${name}` : `${prefix}/${parts.db}/${name}`;
}

/** The inverse of `backupKey`; undefined for keys that are not nbs backups (sidecars included). */
export function parseBackupKey(key: string): BackupKeyParts | undefined {
  const segments = key.split("/");
  const name = segments.pop();
  const dbDir = segments.pop();
  const parsed = name === undefined ? undefined : parseBackupFileName(name);
  if (!parsed || dbDir !== parsed.db) return undefined;
  return { ...parsed, prefix: segments.join("/") };
}

export function sidecarKey(key: string): string {
  return `${key}${SIDECAR_SUFFIX}`;
}

/** S3 bucket naming rules (the subset every S3 API accepts). */
export function isValidBucketName(bucket: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) &&
    !bucket.includes("..") &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(bucket)
  );
}
