import {
  attemptSamples,
  type FinishedRun,
  type MetricGroup,
  type MetricSample,
  type MetricsSettings,
  type RunMetrics,
} from "@nbs/cli-kit";
import { normalizePrefix, parseBackupFileName } from "@nbs/metadata";
import type { BackupFileResult } from "@nbs/s3-store";
import { basename } from "node:path";
import type { DumpSettings } from "./commands/dump/settings.js";
import type { UploadSettings } from "./commands/upload/settings.js";

/** What a stored (or dumped) backup says about itself: the `--json` result or the sidecar. */
interface BackupFacts {
  size?: unknown;
  stats?: unknown;
  downtime_ms?: unknown;
}

/** `nbs-upload [upload]`: a backup attempt; no metrics for a dry run (nothing was attempted). */
export function uploadMetrics(
  settings: UploadSettings,
  run: FinishedRun,
  kept: BackupFileResult | undefined,
): RunMetrics | undefined {
  if (settings.dryRun) return undefined;
  const fromFile = settings.file ? parseBackupFileName(basename(settings.file))?.db : undefined;
  const group = {
    db: kept?.meta.db_name ?? settings.dbName ?? fromFile ?? "unknown",
    prefix: prefixLabel(settings.prefix),
  };
  const facts = kept ? { ...kept.meta, size: kept.size } : undefined;
  return target(settings, "nbs_backup", backupSamples("backup", group, run, facts));
}

/**
 * `nbs-upload dump`: with --to-s3 a backup attempt (the backup is stored when it ends); to a local
 * file only a dump attempt (the backup is stored by the upload that follows).
 */
export function dumpMetrics(settings: DumpSettings, run: FinishedRun): RunMetrics | undefined {
  if (settings.dryRun) return undefined;
  const group = { db: settings.db, prefix: prefixLabel(settings.prefix) };
  const facts = run.ok ? (run.result as BackupFacts) : undefined;
  return settings.toS3
    ? target(settings, "nbs_backup", backupSamples("backup", group, run, facts))
    : target(settings, "nbs_dump", backupSamples("dump", group, run, facts));
}

function backupSamples(
  subject: "backup" | "dump",
  group: MetricGroup,
  run: FinishedRun,
  facts: BackupFacts | undefined,
): MetricSample[] {
  const samples = attemptSamples(subject, group, run);
  if (!run.ok || facts === undefined) return samples;
  const labels = { db: group.db, prefix: group.prefix };
  if (subject === "backup" && typeof facts.size === "number")
    samples.push({ name: "nbs_backup_size_bytes", labels, value: facts.size });
  const stats = facts.stats as { nodes?: unknown; relationships?: unknown; exact?: unknown } | null;
  // Counts that do not describe the dump (writes between counting and the stop) are not reported.
  if (subject === "backup" && stats && stats.exact !== false) {
    if (typeof stats.nodes === "number")
      samples.push({ name: "nbs_backup_nodes", labels, value: stats.nodes });
    if (typeof stats.relationships === "number")
      samples.push({ name: "nbs_backup_relationships", labels, value: stats.relationships });
  }
  if (typeof facts.downtime_ms === "number")
    samples.push({ name: "nbs_backup_downtime_seconds", labels, value: facts.downtime_ms / 1000 });
  return samples;
}

function target(settings: MetricsSettings, job: string, samples: MetricSample[]): RunMetrics {
  return {
    job,
    samples,
    ...(settings.metricsFile === undefined ? {} : { metricsFile: settings.metricsFile }),
    ...(settings.pushgateway === undefined ? {} : { pushgateway: settings.pushgateway }),
  };
}

/** The prefix as the keys use it; as given when it is invalid (the run failed on it anyway). */
function prefixLabel(prefix: string): string {
  try {
    return normalizePrefix(prefix);
  } catch {
    return prefix;
  }
}
