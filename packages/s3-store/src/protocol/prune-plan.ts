import { spanAfter, spanBefore, type Span } from "./prune-span.js";

/**
 * The pure prune planner: which backups to keep and which to remove, with the reasons. No I/O,
 * no clock: `now` is an input. The listing and the deletes live in prune-store.ts.
 */

/** restic's keep rules; a rule left out keeps nothing on its own. */
export interface KeepRules {
  last?: number;
  hourly?: number;
  daily?: number;
  weekly?: number;
  monthly?: number;
  yearly?: number;
  /** Keep every backup this span before the newest backup's time (restic: not before `now`). */
  within?: Span;
}

/**
 * One listed object group. `committed`: a valid sidecar and the dump with the recorded size;
 * `broken`: a sidecar that is invalid, commits a missing dump or another size; `uncommitted`: a
 * dump without a sidecar; `records`: verification records left of a backup that is gone.
 */
export interface PruneCandidate {
  key: string;
  db: string;
  state: "committed" | "broken" | "uncommitted" | "records";
  /** The sidecar's `created_at` when committed, else the time in the key. */
  createdAt: Date;
  /** The dump's (else the sidecar's) LastModified, as the server stored it. */
  lastModified?: Date | undefined;
  /** The newest verification record of this backup. */
  verifiedAt?: Date | undefined;
  /** The latest Object Lock retain-until of its objects, from the server. */
  lockedUntil?: Date | undefined;
  /** The sidecar's `shrink` record: this backup holds much less than `fromKey`. */
  shrink?: { fromKey?: string | undefined; ratio?: number | undefined } | undefined;
  /** Why a broken backup is broken. */
  brokenReason?: string | undefined;
}

export interface PruneOptions {
  rules: KeepRules;
  now: Date;
  /** An uncommitted dump younger than this may be an upload still running: its database is left alone. */
  uncommittedAge: Span;
  /** `created_at` and LastModified further apart than this: flagged and kept. */
  timeTolerance: Span;
  /** How long the last backup before a shrinking one is kept. */
  keepBeforeShrink: Span;
  /** Remove broken backups too (otherwise they are only listed). */
  removeBroken: boolean;
}

export interface PlanEntry {
  key: string;
  db: string;
  state: PruneCandidate["state"];
  action: "keep" | "remove";
  /** Every reason that applies; a kept entry's guard reasons come first. */
  reasons: string[];
  /** Shown in the plan: the check of created_at against LastModified failed. */
  flagged: boolean;
  createdAt: Date;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
const newer = (a: PruneCandidate, b: PruneCandidate) =>
  b.createdAt.getTime() - a.createdAt.getTime() || b.key.localeCompare(a.key);

/** The plan for every candidate, grouped by database (sorted), newest first within one. */
export function planPrune(
  candidates: readonly PruneCandidate[],
  options: PruneOptions,
): PlanEntry[] {
  const dbs = [...new Set(candidates.map((c) => c.db))].sort();
  return dbs.flatMap((db) =>
    planDatabase(
      candidates.filter((c) => c.db === db),
      options,
    ),
  );
}

function planDatabase(all: PruneCandidate[], options: PruneOptions): PlanEntry[] {
  const list = [...all].sort(newer);
  const keep = new Map<PruneCandidate, string[]>();
  const why = (c: PruneCandidate, reason: string) => {
    keep.set(c, [...(keep.get(c) ?? []), reason]);
  };
  const committed = list.filter((c) => c.state === "committed");
  const flagged = new Set(committed.filter((c) => timesDisagree(c, options.timeTolerance)));

  // Guards: whatever the rules say.
  const running = list.find(
    (c) =>
      c.state === "uncommitted" &&
      youngest(c).getTime() > spanBefore(options.now, options.uncommittedAge).getTime(),
  );
  if (running)
    for (const c of list)
      why(
        c,
        `a backup of ${c.db} may be running (uncommitted ${running.key} younger than ${options.uncommittedAge.text}): nothing of it is removed`,
      );
  // The newest by the server's LastModified is kept too: as newer than the newest verified one.
  if (committed[0]) why(committed[0], "newest committed backup");
  const verified = committed.find((c) => c.verifiedAt !== undefined);
  if (verified) {
    why(verified, `newest verified backup (verified ${iso(verified.verifiedAt!)})`);
    for (const c of committed)
      if (c !== verified && isNewer(c, verified))
        why(c, "newer than the newest verified backup (by created_at or by LastModified)");
  } else {
    for (const c of committed)
      why(c, "no verified backup of this database yet: nothing committed is removed");
  }
  for (const c of flagged)
    why(
      c,
      `flagged: created_at ${iso(c.createdAt)} and the server's LastModified ${c.lastModified ? iso(c.lastModified) : "?"} differ by more than ${options.timeTolerance.text}`,
    );
  for (const c of list)
    if (c.lockedUntil && c.lockedUntil.getTime() > options.now.getTime())
      why(c, `locked (Object Lock) until ${iso(c.lockedUntil)}`);
  keepBeforeShrinks(committed, options, why);

  // The keep rules, over the committed backups whose times agree.
  const ruled = committed.filter((c) => !flagged.has(c));
  const ruleReasons = applyRules(ruled, options.rules);

  return list.map((c) => {
    const guards = keep.get(c) ?? [];
    const rules = ruleReasons.get(c) ?? [];
    if (guards.length > 0 || rules.length > 0)
      return entry(c, "keep", [...guards, ...rules], flagged.has(c));
    return entry(c, "remove", [removeReason(c, options)], false, options);
  });
}

function entry(
  c: PruneCandidate,
  action: PlanEntry["action"],
  reasons: string[],
  flagged: boolean,
  options?: PruneOptions,
): PlanEntry {
  // A broken backup stays unless --remove-broken: decided here so the reason says so.
  if (action === "remove" && c.state === "broken" && options?.removeBroken !== true)
    return {
      key: c.key,
      db: c.db,
      state: c.state,
      action: "keep",
      reasons: [`broken (${c.brokenReason ?? "unknown"}): listed only; --remove-broken removes it`],
      flagged,
      createdAt: c.createdAt,
    };
  return { key: c.key, db: c.db, state: c.state, action, reasons, flagged, createdAt: c.createdAt };
}

function removeReason(c: PruneCandidate, options: PruneOptions): string {
  switch (c.state) {
    case "committed":
      return "matches no keep rule";
    case "broken":
      return `broken (${c.brokenReason ?? "unknown"}), --remove-broken`;
    case "uncommitted":
      return `uncommitted dump older than ${options.uncommittedAge.text}`;
    case "records":
      return "verification records of a backup that is gone";
  }
}

/** Newer by the sidecar's time or by the server's: either one keeps it. */
function isNewer(c: PruneCandidate, than: PruneCandidate): boolean {
  if (c.createdAt.getTime() > than.createdAt.getTime()) return true;
  return (
    c.lastModified !== undefined &&
    than.lastModified !== undefined &&
    c.lastModified.getTime() > than.lastModified.getTime()
  );
}

function youngest(c: PruneCandidate): Date {
  const t = Math.max(c.createdAt.getTime(), c.lastModified?.getTime() ?? 0);
  return new Date(t);
}

function timesDisagree(c: PruneCandidate, tolerance: Span): boolean {
  if (c.lastModified === undefined) return true;
  const a = c.createdAt;
  const b = c.lastModified;
  return (
    a.getTime() < spanBefore(b, tolerance).getTime() ||
    b.getTime() < spanBefore(a, tolerance).getTime()
  );
}

function keepBeforeShrinks(
  committed: PruneCandidate[],
  options: PruneOptions,
  why: (c: PruneCandidate, reason: string) => void,
): void {
  committed.forEach((shrunk, i) => {
    if (!shrunk.shrink) return;
    const until = spanAfter(shrunk.createdAt, options.keepBeforeShrink);
    if (until.getTime() <= options.now.getTime()) return;
    const from = shrunk.shrink.fromKey;
    const before =
      committed.find((c) => from !== undefined && c.key === from) ??
      committed.slice(i + 1).find((c) => c !== shrunk);
    if (!before) return;
    const ratio = shrunk.shrink.ratio === undefined ? "" : ` to ${shrunk.shrink.ratio}`;
    why(
      before,
      `last backup before a shrink (${shrunk.key} shrank${ratio}): kept until ${iso(until)}`,
    );
  });
}

type Period = "hourly" | "daily" | "weekly" | "monthly" | "yearly";
const PERIODS: Array<[Period, (d: Date) => string]> = [
  ["hourly", (d) => d.toISOString().slice(0, 13)],
  ["daily", (d) => d.toISOString().slice(0, 10)],
  ["weekly", isoWeek],
  ["monthly", (d) => d.toISOString().slice(0, 7)],
  ["yearly", (d) => d.toISOString().slice(0, 4)],
];

/** restic's forget: per rule, the newest backup of each of the last N periods (UTC). */
function applyRules(
  newestFirst: PruneCandidate[],
  rules: KeepRules,
): Map<PruneCandidate, string[]> {
  const out = new Map<PruneCandidate, string[]>();
  const add = (c: PruneCandidate, reason: string) => {
    out.set(c, [...(out.get(c) ?? []), reason]);
  };
  newestFirst.slice(0, rules.last ?? 0).forEach((c, i) => add(c, `keep-last ${i + 1}`));
  for (const [period, bucket] of PERIODS) {
    let left = rules[period] ?? 0;
    let last: string | undefined;
    for (const c of newestFirst) {
      if (left <= 0) break;
      const b = bucket(c.createdAt);
      if (b === last) continue;
      last = b;
      left--;
      add(c, `keep-${period} ${b}`);
    }
  }
  const newest = newestFirst[0];
  if (rules.within && newest) {
    const from = spanBefore(newest.createdAt, rules.within).getTime();
    for (const c of newestFirst)
      if (c.createdAt.getTime() >= from) add(c, `keep-within ${rules.within.text}`);
  }
  return out;
}

/** ISO 8601 week, e.g. `2026-W48`. */
function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const year = t.getUTCFullYear();
  const week = Math.ceil(((t.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, "0")}`;
}
