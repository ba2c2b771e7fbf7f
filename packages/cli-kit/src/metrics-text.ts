import { Gauge, Registry } from "prom-client";
import { METRICS, groupKey, type MetricName, type MetricSample } from "./metrics.js";

/** The Prometheus text format of these samples, through prom-client (gauges, HELP and TYPE lines). */
export async function renderMetrics(samples: readonly MetricSample[]): Promise<string> {
  const registry = new Registry();
  const byName = new Map<MetricName, MetricSample[]>();
  for (const sample of samples)
    byName.set(sample.name, [...(byName.get(sample.name) ?? []), sample]);
  for (const [name, series] of byName) {
    const labelNames = [...new Set(series.flatMap((s) => Object.keys(s.labels)))].sort();
    const gauge = new Gauge({ name, help: METRICS[name], labelNames, registers: [registry] });
    for (const s of series) gauge.set({ ...s.labels }, s.value);
  }
  return registry.metrics();
}

/** Samples grouped by their `db` and `prefix` labels (one Pushgateway group each). */
export function groupSamples(samples: readonly MetricSample[]): Map<string, MetricSample[]> {
  const groups = new Map<string, MetricSample[]>();
  for (const sample of samples) {
    const key = groupKey(sample.labels);
    groups.set(key, [...(groups.get(key) ?? []), sample]);
  }
  return groups;
}
