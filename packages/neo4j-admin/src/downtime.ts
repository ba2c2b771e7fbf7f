import type { Driver } from "neo4j-driver";

/** One Bolt probe: resolves when the server answered, rejects when it did not. */
export type BoltProbe = () => Promise<void>;

export interface DowntimeClockOptions {
  /** Between two probes. Default 100 ms: the figure is exact to about this much. */
  intervalMs?: number;
  /** A probe not answered within this counts as not answering. Default 1 s. */
  probeTimeoutMs?: number;
  /** Milliseconds clock (tests). Default Date.now. */
  now?: () => number;
}

/**
 * Measures how long a server does not answer Bolt: started while it still answers (just before
 * the stop), it probes until a probe fails (the server went down: the time of the last answer
 * before is kept), then until one succeeds again (it is back). The figure is from the last answer
 * before the stop to the first answer after the start, so it is never shorter than the outage.
 */
export interface DowntimeClock {
  /** Resolves once the first probe settled (the clock runs from then on). */
  readonly ready: Promise<void>;
  /**
   * The downtime in ms once the server answered again; waits at most `boundMs` for that
   * (undefined after, or when the clock was stopped first). Undefined at once when the clock
   * never saw the server go down (an outage shorter than a probe cannot be measured).
   */
  result(boundMs: number): Promise<number | undefined>;
  /** Stops probing; safe to call more than once. */
  stop(): void;
}

export function startDowntimeClock(
  probe: BoltProbe,
  options: DowntimeClockOptions = {},
): DowntimeClock {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 100;
  const probeTimeoutMs = options.probeTimeoutMs ?? 1_000;
  let stopped = false;
  let lastAnswer: number | undefined;
  let downSince: number | undefined;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let settle: (ms: number | undefined) => void = () => {};
  const measured = new Promise<number | undefined>((resolve) => (settle = resolve));
  let wake: (() => void) | undefined;

  const loop = async () => {
    while (!stopped) {
      const sent = now();
      const answered = await within(probe(), probeTimeoutMs).then(
        () => true,
        () => false,
      );
      markReady();
      if (stopped) break;
      if (answered && downSince !== undefined) {
        settle(now() - downSince);
        stopped = true;
        break;
      }
      if (answered) lastAnswer = now();
      // Never answered since the clock started: the outage began no later than the first probe.
      else downSince ??= lastAnswer ?? sent;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, intervalMs);
      });
    }
    settle(undefined);
  };
  void loop();

  return {
    ready,
    async result(boundMs) {
      if (downSince === undefined && !stopped) return undefined;
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), boundMs);
      });
      try {
        return await Promise.race([measured, bound]);
      } finally {
        clearTimeout(timer);
      }
    },
    stop() {
      stopped = true;
      wake?.();
    },
  };
}

/**
 * A probe that runs `RETURN 1` on `database` in an auto-commit query: no retries (the driver's
 * managed transactions retry for 30 s), so a server that stopped answering is seen at once.
 */
function boltProbe(driver: Driver, database: string): BoltProbe {
  return async () => {
    const session = driver.session({ database });
    try {
      await session.run("RETURN 1");
    } finally {
      // A session of a server that went away may not close promptly; the probe is over anyway.
      void session.close().catch(() => undefined);
    }
  };
}

function within(probe: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  probe.catch(() => undefined);
  return Promise.race([
    probe,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("no answer")), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** How long, after the restart answered, the clock may take to see that answer too. */
const SETTLE_MS = 30_000;

/** A clock around one stop window, with its own driver; nothing when there is no Bolt. */
export interface DowntimeWindow {
  /** The downtime once the restarted server answered (undefined if the clock did not see it). */
  measure(): Promise<number | undefined>;
  close(): Promise<void>;
}

/**
 * Start measuring before a stop: returns once the first probe settled, so the stop comes after
 * the clock saw the server answer (or not). Undefined without a driver factory.
 */
export async function openDowntimeWindow(
  driverFactory: (() => Driver) | undefined,
  database: string,
  options: DowntimeClockOptions = {},
): Promise<DowntimeWindow | undefined> {
  if (driverFactory === undefined) return undefined;
  const driver = driverFactory();
  const clock = startDowntimeClock(boltProbe(driver, database), options);
  await clock.ready;
  return {
    measure: () => clock.result(SETTLE_MS),
    async close() {
      clock.stop();
      await driver.close().catch(() => undefined);
    },
  };
}
