import type { Driver } from "neo4j-driver";
import { NbsError } from "@nbs/errors";

export interface WaitForBoltOptions {
  database: string;
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
  /** Named in the timeout message so the reader knows where to look. */
  logHint: string;
  /**
   * The server's process id once it is known to be gone (it crashed or was killed while
   * starting), else undefined: the wait then ends at once instead of at the timeout.
   */
  exitedPid?: () => Promise<number | undefined>;
}

/**
 * Poll until `database` answers a query over Bolt, or fail after `timeoutMs`. Each probe is cut
 * at the deadline too: a port that accepts connections and never speaks Bolt would otherwise
 * hold one probe for as long as the driver's own timeouts allow.
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
        driver.executeQuery("RETURN 1", {}, { database: options.database }),
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
    await new Promise((done) => setTimeout(done, options.intervalMs ?? 500));
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
