import type { CliLogger } from "./logger.js";
import { writeMetricsFile } from "./metrics-file.js";
import type { RunMetrics } from "./metrics-settings.js";
import { pushMetrics } from "./pushgateway.js";

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
