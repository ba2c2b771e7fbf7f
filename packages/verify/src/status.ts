import type { NbsErrorCode } from "@nbs/errors";
import { detectShrink, shrinkRatio, type ShrinkMeasures } from "@nbs/metadata";
import type { CatalogEntry } from "./catalog.js";

/** The thresholds `nbs-verify status` holds every database to. */
export interface StatusThresholds {
  /** The newest committed backup may be at most this old (ms, by its sidecar's created_at). */
  maxAgeMs: number;
  /** Some backup of the database must have been verified within this (ms). */
  maxVerifyAgeMs: number;
  /** A drop beyond this share (0.5 = 50 %) of nodes, relationships or dump size vs the previous backup. */
  maxShrink: number;
}

export type StatusCode = Extract<
  NbsErrorCode,
  "NO_BACKUP" | "BACKUP_STALE" | "VERIFY_STALE" | "BACKUP_SHRANK"
>;

/** Most urgent first: the order in which the exit's error names a problem. */
const STATUS_CODES: readonly StatusCode[] = [
  "NO_BACKUP",
  "BACKUP_STALE",
  "BACKUP_SHRANK",
  "VERIFY_STALE",
];

export interface StatusProblem {
  code: StatusCode;
  message: string;
}

/** One backup as status shows it. */
export interface StatusBackup extends ShrinkMeasures {
  key: string;
  created_at: string;
  age_ms: number;
  /** Bytes stored (compressed when compressed). */
  stored_size: number;
}

export interface DbStatus {
  db: string;
  ok: boolean;
  newest?: StatusBackup;
  previous?: StatusBackup;
  /** newest / previous of the measure that changed most downwards (1 = no drop); absent without a previous one. */
  change_ratio?: number;
  /** The newest verification record of any committed backup of the database. */
  verification?: { key: string; verified_at: string; age_ms: number; mode: string };
  committed: number;
  /** Dumps without a sidecar newer than the newest committed backup (uploads running, or failed). */
  uncommitted: string[];
  broken: Array<{ key: string; reason: string }>;
  problems: StatusProblem[];
}

export interface StatusReport {
  ok: boolean;
  checked_at: string;
  thresholds: { max_age_ms: number; max_verify_age_ms: number; max_shrink: number };
  databases: DbStatus[];
}

const hours = (ms: number) => `${(ms / 3_600_000).toFixed(1)}h`;

/**
 * Judge a catalogue (every state, as `catalogBackups({ all: true })` returns it, verification
 * records included) against the thresholds. `expected` names databases that must have a backup
 * (`--db`); without it every database found is checked and finding none is NO_BACKUP.
 */
export function evaluateStatus(
  entries: readonly CatalogEntry[],
  thresholds: StatusThresholds,
  now: Date,
  expected: readonly string[] = [],
): StatusReport {
  const dbs = [...new Set([...expected, ...entries.map((e) => e.db)])].sort();
  const databases =
    dbs.length === 0
      ? [
          {
            db: "*",
            ok: false,
            committed: 0,
            uncommitted: [],
            broken: [],
            problems: [{ code: "NO_BACKUP" as const, message: "no backup under the prefix" }],
          },
        ]
      : dbs.map((db) =>
          judge(
            db,
            entries.filter((e) => e.db === db),
            thresholds,
            now,
          ),
        );
  return {
    ok: databases.every((d) => d.ok),
    checked_at: now.toISOString(),
    thresholds: {
      max_age_ms: thresholds.maxAgeMs,
      max_verify_age_ms: thresholds.maxVerifyAgeMs,
      max_shrink: thresholds.maxShrink,
    },
    databases,
  };
}

function judge(
  db: string,
  entries: readonly CatalogEntry[],
  t: StatusThresholds,
  now: Date,
): DbStatus {
  const byTime = [...entries].sort((a, b) => b.created_at.localeCompare(a.created_at));
  const committed = byTime.filter((e) => e.state === "committed");
  const [newest, previous] = committed.map((e) => describe(e, now));
  const problems: StatusProblem[] = [];
  const status: DbStatus = {
    db,
    ok: true,
    ...(newest ? { newest } : {}),
    ...(previous ? { previous } : {}),
    committed: committed.length,
    uncommitted: byTime
      .filter((e) => e.state === "uncommitted" && (!newest || e.created_at > newest.created_at))
      .map((e) => e.key),
    broken: byTime
      .filter((e) => e.state === "broken")
      .map((e) => ({ key: e.key, reason: e.reason ?? "broken" })),
    problems,
  };
  if (!newest) {
    problems.push({ code: "NO_BACKUP", message: `${db}: no committed backup` });
  } else {
    if (newest.age_ms > t.maxAgeMs)
      problems.push({
        code: "BACKUP_STALE",
        message: `${db}: the newest backup was taken ${hours(newest.age_ms)} ago (${newest.created_at}), more than --max-age ${hours(t.maxAgeMs)}`,
      });
    const shrink = shrinkOf(committed[0]!, newest, previous, t.maxShrink);
    if (shrink.ratio !== undefined) status.change_ratio = shrink.ratio;
    if (shrink.shrunk)
      problems.push({
        code: "BACKUP_SHRANK",
        message: `${db}: the newest backup is ${Math.round((1 - shrink.ratio!) * 100)}% smaller than the previous one${shrink.from ? ` (${shrink.from})` : ""}, more than --max-shrink ${Math.round(t.maxShrink * 100)}%`,
      });
  }
  const verified = committed
    .flatMap((e) => (e.last_verification ? [{ ...e.last_verification, key: e.key }] : []))
    .sort((a, b) => b.verified_at.localeCompare(a.verified_at))[0];
  if (verified) {
    status.verification = {
      key: verified.key,
      verified_at: verified.verified_at,
      age_ms: now.getTime() - Date.parse(verified.verified_at),
      mode: verified.mode,
    };
  }
  if (newest && (!status.verification || status.verification.age_ms > t.maxVerifyAgeMs))
    problems.push({
      code: "VERIFY_STALE",
      message: status.verification
        ? `${db}: the last verification was ${hours(status.verification.age_ms)} ago (${status.verification.verified_at}), more than --max-verify-age ${hours(t.maxVerifyAgeMs)}`
        : `${db}: no verification record of any of its backups: none was verified with --record (NBS_VERIFY_RECORD)`,
    });
  problems.sort((a, b) => STATUS_CODES.indexOf(a.code) - STATUS_CODES.indexOf(b.code));
  status.ok = problems.length === 0;
  return status;
}

function describe(e: CatalogEntry, now: Date): StatusBackup {
  return {
    key: e.key,
    created_at: e.created_at,
    age_ms: now.getTime() - Date.parse(e.created_at),
    stored_size: e.size,
    size: e.dump_size ?? e.size,
    ...(e.nodes === undefined ? {} : { nodes: e.nodes }),
    ...(e.relationships === undefined ? {} : { relationships: e.relationships }),
  };
}

/**
 * Newest vs previous committed backup at --max-shrink. Without a previous one in the bucket
 * (pruned, expired), the shrink the uploader recorded in the sidecar is judged instead.
 */
function shrinkOf(
  entry: CatalogEntry,
  newest: StatusBackup,
  previous: StatusBackup | undefined,
  maxShrink: number,
): { shrunk: boolean; ratio?: number; from?: string } {
  if (previous) {
    const measure = (b: StatusBackup): ShrinkMeasures => ({
      size: b.size,
      ...(b.nodes === undefined ? {} : { nodes: b.nodes }),
      ...(b.relationships === undefined ? {} : { relationships: b.relationships }),
    });
    const found = detectShrink(previous.key, measure(previous), measure(newest), maxShrink);
    const raw = shrinkRatio(measure(previous), measure(newest));
    const ratio = raw === undefined ? undefined : Math.round(raw * 1e6) / 1e6;
    return {
      shrunk: found !== undefined,
      ...(ratio === undefined ? {} : { ratio }),
      from: previous.key,
    };
  }
  const recorded = entry.shrink;
  if (!recorded) return { shrunk: false };
  return { shrunk: 1 - recorded.ratio > maxShrink, ratio: recorded.ratio, from: recorded.from_key };
}
