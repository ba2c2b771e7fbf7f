import { defineCommand, type FinishedRun, type RunMetrics } from "@nbs/cli-kit";
import type { StatusReport } from "@nbs/verify";
import { STATUS_SETTINGS, resolveStatusSettings, type ResolvedStatusSettings } from "./settings.js";

export const status = defineCommand<ResolvedStatusSettings, StatusReport>({
  name: "status",
  describe: "are the newest backups fresh, verified and not shrunk? (exit 7 when not)",
  about:
    "Read-only, per database under --prefix (or each --db): the newest committed backup and its age (by its sidecar's created_at, not the object's LastModified), the newest verification record of any of its backups and its age, size and counts against the previous backup, and the uncommitted (newer dumps without a sidecar) and broken ones. Exit 0 when every threshold holds; exit 7 otherwise, naming the first problem by urgency: NO_BACKUP (no committed backup), BACKUP_STALE (older than --max-age), BACKUP_SHRANK (a node, relationship or dump size drop beyond --max-shrink against the previous backup; without one, the drop its sidecar recorded), VERIFY_STALE (no verification record within --max-verify-age). A table on a terminal; JSON ({ status: { databases: [...] } }) otherwise or with --json; --summary-md appends a Markdown summary for a job. --metrics-file / --pushgateway report nbs_backup_shrunk and nbs_backup_shrink_ratio per database. Run it on its own schedule: it does not depend on the backup job running at all.",
  settings: STATUS_SETTINGS,
  resolve: resolveStatusSettings,
  run: async (settings, { logger, signal, stdout, json, keep }) => {
    const { runStatus } = await import("./run.js");
    return runStatus(settings, { logger, signal, stdout, table: !json, keep });
  },
  // The report goes with the document, also when a threshold failed (the error names only the first).
  render: (doc, report) => (report ? { ...doc, status: report } : doc),
  metrics: statusMetrics,
  healthcheck: true,
});

/** Per database: nbs_backup_shrunk (1/0) and, when comparable, nbs_backup_shrink_ratio (newest/previous). */
function statusMetrics(
  settings: ResolvedStatusSettings,
  _run: FinishedRun,
  report: StatusReport | undefined,
): RunMetrics | undefined {
  if (report === undefined) return undefined;
  const samples = report.databases
    .filter((d) => d.newest !== undefined)
    .flatMap((d) => {
      const labels = { db: d.db, prefix: settings.prefix };
      const shrunk = d.problems.some((p) => p.code === "BACKUP_SHRANK");
      return [
        { name: "nbs_backup_shrunk" as const, labels, value: shrunk ? 1 : 0 },
        ...(d.change_ratio === undefined
          ? []
          : [{ name: "nbs_backup_shrink_ratio" as const, labels, value: d.change_ratio }]),
      ];
    });
  return {
    job: "nbs_status",
    samples,
    ...(settings.metricsFile === undefined ? {} : { metricsFile: settings.metricsFile }),
    ...(settings.pushgateway === undefined ? {} : { pushgateway: settings.pushgateway }),
  };
}
