import { randomUUID } from "node:crypto";
import type { CliLogger } from "./logger.js";

/** How long one ping may take before it is given up (the run goes on either way). */
const DEFAULT_HEALTHCHECK_TIMEOUT_MS = 10_000;

export interface HealthcheckOptions {
  /** The check's ping URL (healthchecks.io protocol). A secret: never logged. */
  url: string;
  timeoutMs?: number;
  /** What the pings are about, sent as the body (e.g. `nbs-verify status`). */
  what: string;
}

/** One run's pings: `/start` when it begins, the bare URL on success, `/<exit code>` on failure. */
export interface Healthcheck {
  start(): Promise<void>;
  finish(exitCode: number, code?: string): Promise<void>;
}

/**
 * Dead-man pings in the healthchecks.io protocol (also self-hosted Healthchecks): `<url>/start`
 * when the run begins, `<url>` when it succeeded, `<url>/<exit code>` (1-255) when it failed, all
 * with `?rid=<run uuid>` so start and end pair up. Each ping is one POST bounded by `timeoutMs`; a
 * ping that fails, hangs or answers an error is a warning and never changes the run's outcome.
 * The URL is never logged (it is the check's secret), nor is any error text that could carry it.
 */
export function createHealthcheck(options: HealthcheckOptions, logger: CliLogger): Healthcheck {
  const rid = randomUUID();
  const timeoutMs = options.timeoutMs ?? DEFAULT_HEALTHCHECK_TIMEOUT_MS;
  const ping = async (kind: string, suffix: string, body: string): Promise<void> => {
    let answer: string;
    try {
      const url = new URL(options.url);
      url.pathname = `${url.pathname.replace(/\/+$/, "")}${suffix}`;
      url.searchParams.set("rid", rid);
      const res = await fetch(url, {
        method: "POST",
        body,
        headers: { "content-type": "text/plain; charset=utf-8" },
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "follow",
      });
      await res.body?.cancel().catch(() => {});
      if (res.ok) {
        logger.log("debug", "healthcheck.pinged", { kind, status: res.status });
        return;
      }
      answer = `answered HTTP ${res.status}`;
    } catch (error) {
      answer = describe(error, timeoutMs);
    }
    logger.log("warn", "healthcheck.failed", {
      kind,
      message: `the ${kind} ping to NBS_HEALTHCHECK_URL ${answer}; the run's outcome is unchanged`,
    });
  };
  return {
    start: () => ping("start", "/start", `${options.what}: started`),
    finish: (exitCode, code) =>
      exitCode === 0
        ? ping("success", "", `${options.what}: ok`)
        : ping(
            "failure",
            `/${Math.min(Math.max(exitCode, 1), 255)}`,
            `${options.what}: exit ${exitCode}${code ? ` ${code}` : ""}`,
          ),
  };
}

/** Why a ping failed, without the error's text (undici's can hold the URL). */
function describe(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; cause?: { code?: string } };
  if (e?.name === "TimeoutError" || e?.name === "AbortError")
    return `got no answer within ${timeoutMs} ms`;
  if (e?.name === "TypeError" && error instanceof Error && /Invalid URL/i.test(error.message))
    return "is not a valid URL";
  const code = e?.cause?.code;
  return `failed${typeof code === "string" ? ` (${code})` : ""}`;
}
