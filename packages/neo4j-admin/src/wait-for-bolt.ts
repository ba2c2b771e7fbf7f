import type { Driver } from "neo4j-driver";
import { NbsError } from "@nbs/errors";

export interface WaitForBoltOptions {
  database: string;
  timeoutMs: number;
  /** Between the end of a failed probe and the next. Default 100 ms. */
  intervalMs?: number;
  signal?: AbortSignal;
  /** The probe (default `RETURN 1`; the system database answers only system commands). */
  query?: string;
  /** Named in the timeout message so the reader knows where to look. */
  logHint: string;
  /**
   * The server's process id once it is known to be gone (it crashed or was killed while
   * starting), else undefined: the wait then ends at once instead of at the timeout.
   */
  exitedPid?: () => Promise<number | undefined>;
}

/** Default pause between two probes: the wait ends at most this long after the server answers. */
export const BOLT_POLL_INTERVAL_MS = 100;

/**
 * Poll until `database` answers a query over Bolt, or fail after `timeoutMs`. Each probe is one
 * auto-commit query in its own session: not the driver's managed transactions, whose retries of
 * a server still starting back off for up to 30 s (so the wait would end seconds after the
 * server answered). Probes follow each other at a short fixed interval. Each probe is cut at the
 * deadline too: a port that accepts connections and never speaks Bolt would otherwise hold one
 * probe for as long as the driver's own timeouts allow.
 */
export async function waitForBolt(driver: Driver, options: WaitForBoltOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (options.signal?.aborted) {
      throw new NbsError("INTERRUPTED", "cancelled while waiting for Neo4j to start", {
        cause: options.signal.reason,
      });
    }
    try {
      await beforeDeadline(
        probeOnce(driver, options.database, options.query ?? "RETURN 1"),
        deadline - Date.now(),
      );
      return;
    } catch (error) {
      lastError = error;
    }
    const gone = await options.exitedPid?.();
    if (gone !== undefined) {
      throw new NbsError(
        "NEO4J_EXITED",
        `the Neo4j server process (pid ${gone}) exited while starting`,
        {
          hint: options.logHint,
          cause: lastError,
        },
      );
    }
    if (Date.now() >= deadline) {
      throw new NbsError(
        "NEO4J_START_TIMEOUT",
        `Neo4j did not answer on Bolt within ${options.timeoutMs} ms`,
        {
          hint: options.logHint,
          cause: lastError,
        },
      );
    }
    await new Promise((done) => setTimeout(done, options.intervalMs ?? BOLT_POLL_INTERVAL_MS));
  }
}

/** One query, no retries: resolves when the server answered it, rejects at its first failure. */
async function probeOnce(driver: Driver, database: string, query: string): Promise<void> {
  const session = driver.session({ database });
  try {
    await session.run(query);
  } finally {
    // A session of a server that is not up yet may not close promptly; the probe is over anyway.
    void session.close().catch(() => undefined);
  }
}

function beforeDeadline<T>(probe: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer to a Bolt probe within ${ms} ms`)),
      Math.max(ms, 0),
    );
  });
  // The abandoned probe settles when the driver is closed; its outcome no longer matters.
  probe.catch(() => undefined);
  return Promise.race([probe, expired]).finally(() => clearTimeout(timer));
}
