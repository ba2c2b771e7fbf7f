import type { MetricGroup, MetricSample } from "./metrics.js";
import type { FinishedRun } from "./run.js";

const ATTEMPT = {
  backup: {
    at: "nbs_backup_last_attempt_timestamp_seconds",
    success: "nbs_backup_last_attempt_success",
    duration: "nbs_backup_duration_seconds",
    lastSuccess: "nbs_backup_last_success_timestamp_seconds",
  },
  dump: {
    at: "nbs_dump_last_attempt_timestamp_seconds",
    success: "nbs_dump_last_attempt_success",
    duration: "nbs_dump_duration_seconds",
    lastSuccess: undefined,
  },
  verify: {
    at: "nbs_verify_last_attempt_timestamp_seconds",
    success: "nbs_verify_last_attempt_success",
    duration: "nbs_verify_duration_seconds",
    lastSuccess: "nbs_verify_last_success_timestamp_seconds",
  },
} as const;

/**
 * The samples every attempt reports: when it ended and how (label `outcome`: the result's
 * outcome, or "failed"), 1/0 for success, its duration, and on success the last-success time.
 * `labels` are added to each (e.g. `mode` for a verification).
 */
export function attemptSamples(
  subject: keyof typeof ATTEMPT,
  group: MetricGroup,
  run: FinishedRun,
  labels: Readonly<Record<string, string>> = {},
): MetricSample[] {
  const names = ATTEMPT[subject];
  const at = run.endedAt.getTime() / 1000;
  const base = { ...labels, db: group.db, prefix: group.prefix };
  const outcome = run.ok ? run.result.outcome : "failed";
  return [
    { name: names.at, labels: { ...base, outcome }, value: at },
    { name: names.success, labels: base, value: run.ok ? 1 : 0 },
    { name: names.duration, labels: base, value: run.durationMs / 1000 },
    ...(run.ok && names.lastSuccess ? [{ name: names.lastSuccess, labels: base, value: at }] : []),
  ];
}
