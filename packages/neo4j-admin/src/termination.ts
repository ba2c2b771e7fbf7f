import type { RunOptions } from "./runner.js";

/** How a started process is ended on its timeout or its caller's abort. */
export interface Termination {
  /** The timeout ended it. */
  readonly timedOut: boolean;
  /** The caller's signal ended it. */
  readonly aborted: boolean;
  /** SIGTERM now, SIGKILL after the grace period (once, however often it is called). */
  terminate(): void;
  /** The process ended: no more timers, no abort listener. */
  settle(): void;
}

/**
 * Watch a started process's `timeoutMs` and `signal` (aborted already: at once): either ends it
 * through `kill`, SIGTERM and then SIGKILL `graceMs` later. Shared by the runner's `run` and
 * `stream` (spawn-runner.ts, spawn-stream.ts), which differ in what they signal.
 */
export function watchTermination(
  kill: (signal: NodeJS.Signals) => void,
  options: Pick<RunOptions, "timeoutMs" | "signal">,
  graceMs: number,
): Termination {
  let timedOut = false;
  let aborted = false;
  let killTimer: NodeJS.Timeout | undefined;
  const terminate = (): void => {
    kill("SIGTERM");
    killTimer ??= setTimeout(() => kill("SIGKILL"), graceMs);
  };
  const timeout =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          terminate();
        }, options.timeoutMs);
  const onAbort = (): void => {
    aborted = true;
    terminate();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  return {
    get timedOut() {
      return timedOut;
    },
    get aborted() {
      return aborted;
    },
    terminate,
    settle() {
      clearTimeout(timeout);
      clearTimeout(killTimer);
      options.signal?.removeEventListener("abort", onAbort);
    },
  };
}
