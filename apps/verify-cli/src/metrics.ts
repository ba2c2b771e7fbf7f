import { attemptSamples, type FinishedRun, type RunMetrics } from "@nbs/cli-kit";
import { parseBackupKey } from "@nbs/metadata";
import type { VerifyReport } from "@nbs/verify";
import type { ResolvedVerifySettings } from "./commands/verify/settings.js";

/**
 * `nbs-verify`: a verification attempt of one stored backup, grouped by its database and key
 * prefix (label `mode`: checksum, check or load). No metrics for a dry run or a local --file: they
 * say nothing about the stored backups.
 */
export function verifyMetrics(
  settings: ResolvedVerifySettings,
  run: FinishedRun,
  report: VerifyReport | undefined,
): RunMetrics | undefined {
  const { source } = settings;
  if (settings.dryRun || source.kind === "file") return undefined;
  const key = report?.source.key ?? (source.kind === "s3" ? source.key : undefined);
  const parsed = key === undefined ? undefined : parseBackupKey(key);
  const group = {
    db: report?.backup?.db_name ?? parsed?.db ?? settings.db ?? "neo4j",
    prefix: parsed?.prefix ?? (source.kind === "latest" ? source.prefix : ""),
  };
  return {
    job: "nbs_verify",
    samples: attemptSamples("verify", group, run, { mode: settings.mode }),
    ...(settings.metricsFile === undefined ? {} : { metricsFile: settings.metricsFile }),
    ...(settings.pushgateway === undefined ? {} : { pushgateway: settings.pushgateway }),
  };
}
