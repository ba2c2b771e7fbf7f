import { parseString } from "./config.js";
import { setting } from "./common-settings.js";
import type { MetricSample } from "./metrics.js";
import { parsePushgatewayUrl } from "./pushgateway-url.js";
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
