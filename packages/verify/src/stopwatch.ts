/** Times named steps into one record of durations (ms), whether a step returns or throws. */
export interface Stopwatch {
  /** The record the steps are timed into (the report's `durations_ms`). */
  readonly durations: Record<string, number>;
  time: <T>(step: string, work: () => Promise<T>) => Promise<T>;
  /** Record `total`: the time since the stopwatch started. */
  stop: () => void;
}

export function startStopwatch(
  now: () => number,
  durations: Record<string, number> = {},
): Stopwatch {
  const started = now();
  return {
    durations,
    time: async (step, work) => {
      const t = now();
      try {
        return await work();
      } finally {
        durations[step] = now() - t;
      }
    },
    stop: () => {
      durations["total"] = now() - started;
    },
  };
}
