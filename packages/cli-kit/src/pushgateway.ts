import type { MetricSample } from "./metrics.js";
import { groupSamples, renderMetrics } from "./metrics-text.js";
import { parsePushgatewayUrl } from "./pushgateway-url.js";

const DEFAULT_PUSH_TIMEOUT_MS = 10_000;

export interface PushOptions {
  /** The Pushgateway's base URL; user:password in it becomes Basic auth and is never shown. */
  url: string;
  /** The `job` grouping label, e.g. "nbs_backup". */
  job: string;
  samples: readonly MetricSample[];
  /** Bound on each push (connect, send, answer). */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

/**
 * Push the samples to a Pushgateway, one group per `db` and `prefix` (grouping key job, db,
 * prefix; values base64url-encoded so a prefix with "/" fits). POST replaces only the metric
 * names this run reports in the group: a failed attempt leaves the group's
 * `*_last_success_timestamp_seconds` of the last success in place.
 */
export async function pushMetrics(options: PushOptions): Promise<void> {
  const { base, authorization } = parsePushgatewayUrl(options.url);
  const doFetch = options.fetch ?? globalThis.fetch;
  for (const samples of groupSamples(options.samples).values()) {
    const { db, prefix } = samples[0]!.labels;
    const path = `metrics/job/${encodeURIComponent(options.job)}/db@base64/${b64(db)}/prefix@base64/${b64(prefix)}`;
    const response = await doFetch(new URL(path, base), {
      method: "POST",
      headers: {
        "content-type": "text/plain; version=0.0.4",
        ...(authorization ? { authorization } : {}),
      },
      body: await renderMetrics(samples),
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_PUSH_TIMEOUT_MS),
    });
    // The body is read (bounded by the same signal) so the connection is released.
    const answer = (await response.text()).slice(0, 200).trim();
    if (!response.ok)
      throw new Error(`Pushgateway at ${base.host} answered ${response.status}: ${answer}`);
  }
}

/** Pushgateway's base64url label value; the empty value is "=". */
function b64(value: string): string {
  return value === "" ? "=" : Buffer.from(value).toString("base64url");
}
