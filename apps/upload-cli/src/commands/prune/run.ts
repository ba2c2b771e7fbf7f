import { storeClient, type CliLogger, type Outcome, requireRegion } from "@nbs/cli-kit";
import type { createS3Client } from "@nbs/s3-store";
import { applyPrunePlan, listPruneTargets, planPrune, type PlanEntry } from "@nbs/s3-store";
import type { PruneSettings } from "./settings.js";

export interface PruneDeps {
  logger: CliLogger;
  signal: AbortSignal;
  /** Where the plan's table goes when the output is not JSON. */
  stdout: NodeJS.WritableStream;
  table: boolean;
  /** Receives the plan for the `--json` document. */
  keep: (plan: PlanRow[]) => void;
  createClient?: typeof createS3Client;
  now?: () => Date;
}

/** One line of the plan as printed and in `--json`. */
export interface PlanRow {
  action: "keep" | "remove";
  db: string;
  state: PlanEntry["state"];
  created_at: string;
  key: string;
  flagged: boolean;
  reasons: string[];
}

/**
 * Plan which backups to keep under restic-style rules and the hard guards (prune-plan.ts), print
 * it; with --apply delete what it removes (sidecar, dump, verification records, in that order).
 */
export async function runPrune(settings: PruneSettings, deps: PruneDeps): Promise<Outcome> {
  requireRegion(settings.region);
  const client = storeClient(settings, deps.createClient);
  try {
    const targets = await listPruneTargets({
      client,
      bucket: settings.bucket,
      prefix: settings.prefix,
      ...(settings.db ? { db: settings.db } : {}),
      signal: deps.signal,
    });
    const now = (deps.now ?? (() => new Date()))();
    const plan = planPrune(targets, {
      rules: settings.rules,
      now,
      uncommittedAge: settings.uncommittedAge,
      timeTolerance: settings.timeTolerance,
      keepBeforeShrink: settings.keepBeforeShrink,
      removeBroken: settings.removeBroken,
    });
    const rows = plan.map(toRow);
    warn(deps.logger, rows);
    if (deps.table) deps.stdout.write(renderPlan(rows));
    else deps.keep(rows);
    const summary = {
      bucket: settings.bucket,
      prefix: settings.prefix,
      keep: rows.filter((r) => r.action === "keep").length,
      remove: rows.filter((r) => r.action === "remove").length,
      flagged: rows.filter((r) => r.flagged).length,
      broken: rows.filter((r) => r.state === "broken").length,
    };
    if (!settings.apply)
      return { outcome: "dry-run", ...summary, next: "--apply deletes what the plan removes" };
    let deleted = 0;
    let lockedRecords = 0;
    await applyPrunePlan({
      client,
      bucket: settings.bucket,
      plan,
      targets,
      now,
      signal: deps.signal,
      onDeleted: (object, entry, outcome) => {
        if (outcome === "locked") lockedRecords++;
        else deleted++;
        deps.logger.log("info", outcome === "locked" ? "prune.kept_locked" : "prune.deleted", {
          key: object.key,
          role: object.role,
          backup: entry.key,
        });
      },
    });
    return {
      outcome: "pruned",
      ...summary,
      deleted_objects: deleted,
      locked_records: lockedRecords,
    };
  } finally {
    client.destroy();
  }
}

function toRow(e: PlanEntry): PlanRow {
  return {
    action: e.action,
    db: e.db,
    state: e.state,
    created_at: e.createdAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
    key: e.key,
    flagged: e.flagged,
    reasons: e.reasons,
  };
}

function warn(logger: CliLogger, rows: PlanRow[]): void {
  const flagged = rows.filter((r) => r.flagged).map((r) => r.key);
  if (flagged.length > 0)
    logger.log("warn", "prune.flagged", {
      keys: flagged,
      message:
        "created_at and the server's LastModified disagree: kept; check the writer's clock or who wrote these",
    });
  const broken = rows.filter((r) => r.state === "broken" && r.action === "keep").map((r) => r.key);
  if (broken.length > 0)
    logger.log("warn", "prune.broken", {
      keys: broken,
      message: "broken backups are kept and listed; --remove-broken removes them",
    });
}

const COLUMNS: Array<[string, (r: PlanRow) => string]> = [
  ["ACTION", (r) => (r.flagged ? `${r.action}!` : r.action)],
  ["DB", (r) => r.db],
  ["STATE", (r) => r.state],
  ["CREATED (UTC)", (r) => r.created_at],
  ["KEY", (r) => r.key],
  ["REASON", (r) => r.reasons.join("; ")],
];

/** A plain aligned table, per database newest first; `keep!` marks a flagged backup. */
export function renderPlan(rows: readonly PlanRow[]): string {
  if (rows.length === 0) return "no backups found\n";
  const cells = [COLUMNS.map(([h]) => h), ...rows.map((r) => COLUMNS.map(([, f]) => f(r)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  return cells
    .map((c) =>
      c.map((cell, i) => (i === c.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  "),
    )
    .join("\n")
    .concat("\n");
}
