import { storeClient, type CliLogger, type Outcome, requireRegion } from "@nbs/cli-kit";
import { NbsError } from "@nbs/errors";
import type { createS3Client } from "@nbs/s3-store";
import { catalogBackups, evaluateStatus, type StatusReport } from "@nbs/verify";
import { renderStatusMarkdown, renderStatusTable } from "./render.js";
import type { ResolvedStatusSettings } from "./settings.js";
import { appendSummary } from "../../outputs.js";

export interface StatusDeps {
  logger: CliLogger;
  signal: AbortSignal;
  stdout: NodeJS.WritableStream;
  /** Print the table (a terminal without --json) instead of handing the report to the JSON document. */
  table: boolean;
  /** Receives the report: the --json document and the metrics carry it, also on failure. */
  keep: (report: StatusReport) => void;
  now?: () => Date;
  createClient?: typeof createS3Client;
}

const HINTS = {
  NO_BACKUP:
    "check --prefix and --db, and that the backup workflow runs (scheduled, not disabled, its runner online)",
  BACKUP_STALE:
    "the backups stopped: check the backup workflow (GitHub disables schedules after 60 days without activity; an offline self-hosted runner never starts) and run it",
  BACKUP_SHRANK:
    "check the database was not emptied by a bad deploy (nbs-verify list); keep the backup before the drop",
  VERIFY_STALE: "run the verify workflow (nbs-verify --latest --mode load) and check its schedule",
} as const;

/** Read-only: catalogue every backup under the prefix, judge it, print it; throw the first problem. */
export async function runStatus(
  settings: ResolvedStatusSettings,
  deps: StatusDeps,
): Promise<Outcome> {
  requireRegion(settings.region);
  const client = storeClient(settings, deps.createClient);
  let entries;
  try {
    entries = (
      await Promise.all(
        (settings.dbs.length > 0 ? settings.dbs : [undefined]).map((db) =>
          catalogBackups({
            client,
            bucket: settings.bucket,
            prefix: settings.prefix,
            ...(db ? { db } : {}),
            all: true,
            signal: deps.signal,
          }),
        ),
      )
    ).flat();
  } finally {
    client.destroy();
  }
  const report = evaluateStatus(
    entries,
    {
      maxAgeMs: settings.maxAge,
      maxVerifyAgeMs: settings.maxVerifyAge,
      maxShrink: settings.maxShrink,
    },
    (deps.now ?? (() => new Date()))(),
    settings.dbs,
  );
  deps.keep(report);
  for (const d of report.databases)
    for (const p of d.problems)
      deps.logger.log("warn", "status.problem", { db: d.db, code: p.code, message: p.message });
  if (deps.table) deps.stdout.write(renderStatusTable(report));
  if (settings.summaryMd !== undefined) {
    const where = `s3://${settings.bucket}/${settings.prefix}`;
    await appendSummary(settings.summaryMd, renderStatusMarkdown(report, where));
  }
  const problems = report.databases.flatMap((d) => d.problems);
  const first = problems[0];
  if (first)
    throw new NbsError(
      first.code,
      problems.length === 1
        ? first.message
        : `${problems.length} problems: ${problems.map((p) => p.message).join("; ")}`,
      { hint: HINTS[first.code] },
    );
  return {
    outcome: "healthy",
    bucket: settings.bucket,
    prefix: settings.prefix,
    databases: report.databases.length,
  };
}
