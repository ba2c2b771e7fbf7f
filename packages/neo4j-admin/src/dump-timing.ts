/**
 * The steps of a dump whose durations are reported (debug events of the CLI): the JVM runs
 * before the stop, the online counting, and each part of the stop window.
 */
export type DumpStepName =
  "status" | "count" | "stop" | "copy" | "start" | "bolt" | "info" | "dump";

export interface DumpStepTiming {
  step: DumpStepName;
  durationMs: number;
  /** False when the step threw (its error is handled where it always was). */
  ok: boolean;
  /** What the step found out, e.g. the snapshot's copy method. */
  detail?: Readonly<Record<string, string | number | boolean>>;
}

export type OnDumpStep = (timing: DumpStepTiming) => void;

/** Run `step`, then report how long it took (also when it failed); its outcome is unchanged. */
export async function timed<T>(
  onStep: OnDumpStep | undefined,
  step: DumpStepName,
  run: () => Promise<T>,
  detail?: (value: T) => DumpStepTiming["detail"],
): Promise<T> {
  if (onStep === undefined) return run();
  const started = performance.now();
  const report = (ok: boolean, extra?: DumpStepTiming["detail"]) => {
    try {
      onStep({
        step,
        durationMs: Math.round(performance.now() - started),
        ok,
        ...(extra === undefined ? {} : { detail: extra }),
      });
    } catch {
      // A reporter that throws must not change what the dump does.
    }
  };
  try {
    const value = await run();
    report(true, detail?.(value));
    return value;
  } catch (error) {
    report(false);
    throw error;
  }
}
