/**
 * Every metric nbs writes, with its help text. Each sample carries the labels `db` and `prefix`
 * (the group a run reports on); `outcome` and `mode` where said. A run reports only some names:
 * the targets keep the group's other names from earlier runs (see writeMetricsFile, pushMetrics),
 * which is how "last success" survives a failed attempt.
 */
export const METRICS = {
  nbs_backup_last_attempt_timestamp_seconds:
    "Unix time the last backup attempt (upload, dump --to-s3) ended; label outcome: uploaded, skipped, adopted, streamed or failed.",
  nbs_backup_last_attempt_success: "1 when the last backup attempt succeeded, 0 when it failed.",
  nbs_backup_last_success_timestamp_seconds:
    "Unix time the last successful backup attempt ended (kept by later failed attempts).",
  nbs_backup_duration_seconds: "Duration of the last backup attempt.",
  nbs_backup_size_bytes: "Size of the last committed backup object.",
  nbs_backup_nodes: "Nodes counted in the graph of the last committed backup.",
  nbs_backup_relationships: "Relationships counted in the graph of the last committed backup.",
  nbs_backup_downtime_seconds: "Seconds Neo4j did not answer Bolt during the last dump window.",
  nbs_backup_shrunk:
    "1 when the newest backup dropped beyond --max-shrink against the previous one, else 0.",
  nbs_backup_shrink_ratio:
    "Newest/previous backup of the measure (nodes, relationships or size) that dropped most.",
  nbs_dump_last_attempt_timestamp_seconds:
    "Unix time the last local dump (nbs-upload dump) ended; label outcome: dumped or failed.",
  nbs_dump_last_attempt_success: "1 when the last local dump succeeded, 0 when it failed.",
  nbs_dump_duration_seconds: "Duration of the last local dump, Neo4j stop and start included.",
  nbs_verify_last_attempt_timestamp_seconds:
    "Unix time the last verification attempt ended; labels outcome (verified or failed) and mode.",
  nbs_verify_last_attempt_success: "1 when the last verification attempt passed, 0 when it failed.",
  nbs_verify_last_success_timestamp_seconds:
    "Unix time the last passed verification ended (kept by later failed attempts); label mode.",
  nbs_verify_duration_seconds: "Duration of the last verification attempt.",
} as const;

export type MetricName = keyof typeof METRICS;

/** The labels that name the group a sample belongs to (a database under a key prefix). */
export interface MetricGroup {
  db: string;
  prefix: string;
}

/** One series: a metric of {@link METRICS}, its labels (db and prefix at least) and its value. */
export interface MetricSample {
  name: MetricName;
  labels: MetricGroup & Readonly<Record<string, string>>;
  value: number;
}

export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(METRICS, name);
}

export function groupKey(group: MetricGroup): string {
  return JSON.stringify([group.db, group.prefix]);
}
