import { parseString } from "./config.js";
import { setting } from "./common-settings.js";
import type { CliLogger } from "./logger.js";
import type { MetricSample } from "./metrics.js";
import { writeMetricsFile } from "./metrics-file.js";
import { parsePushgatewayUrl, pushMetrics } from "./pushgateway.js";
import type { SettingsOf } from "./settings.js";

const parsePushgateway = (raw: unknown): string => {
  const url = String(raw);
  parsePushgatewayUrl(url);
  return url;
};

/** `--metrics-file` and `--pushgateway`, for every command that reports metrics. */
export const METRICS_SETTINGS = {
  metricsFile: setting(
    ["NBS_METRICS_FILE"],
    "string",
    "write this run's Prometheus metrics to PATH (atomically; for node_exporter's textfile collector, e.g. /var/lib/prometheus/node-exporter/nbs.prom)",
    undefined,
    parseString,
  ),
  pushgateway: setting(
    ["NBS_PUSHGATEWAY_URL"],
    "string",
    "push this run's Prometheus metrics to this Pushgateway (http://host:9091); a failed push is a warning",
    undefined,
    parsePushgateway,
  ),
};
export type MetricsSettings = SettingsOf<typeof METRICS_SETTINGS>;

/** What a command reports when its run ends: the samples and where they go. */
export interface RunMetrics extends Partial<MetricsSettings> {
  /** The Pushgateway `job`: nbs_backup, nbs_dump, nbs_verify, nbs_status. */
  job: string;
  samples: readonly MetricSample[];
  pushTimeoutMs?: number;
}

/**
 * Write and/or push the run's metrics. Monitoring never changes a run's outcome: a failure is a
 * warning event (`metrics.file.failed`, `metrics.push.failed`), and the Pushgateway URL is never
 * logged.
 */
export async function publishMetrics(metrics: RunMetrics, logger: CliLogger): Promise<void> {
  const { metricsFile, pushgateway, samples } = metrics;
  if (samples.length === 0) return;
  if (metricsFile !== undefined) {
    try {
      await writeMetricsFile(metricsFile, samples);
      logger.log("debug", "metrics.file.written", { path: metricsFile, series: samples.length });
    } catch (error) {
      logger.log("warn", "metrics.file.failed", {
        path: metricsFile,
        message: `cannot write the metrics file: ${describe(error)}; the run's outcome is unchanged`,
      });
    }
  }
  if (pushgateway !== undefined) {
    try {
      await pushMetrics({
        url: pushgateway,
        job: metrics.job,
        samples,
        ...(metrics.pushTimeoutMs === undefined ? {} : { timeoutMs: metrics.pushTimeoutMs }),
      });
      logger.log("debug", "metrics.pushed", { job: metrics.job, series: samples.length });
    } catch (error) {
      logger.log("warn", "metrics.push.failed", {
        job: metrics.job,
        message: `cannot push to the Pushgateway: ${describe(error)}; the run's outcome is unchanged`,
      });
    }
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "TimeoutError") return "no answer within the push timeout";
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error.message}${cause}`;
}
