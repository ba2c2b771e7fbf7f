import { v8Gc } from "@nbs/cli-kit";

/** V8's `gc()` with the options its extension takes (type, execution, flavor). */
export type GcFunction = (options: {
  type: "major";
  execution: "sync";
  flavor: "last-resort";
}) => void;

const GiB = 1024 ** 3;

/**
 * Keeps a long upload's RSS flat. As a run goes on, V8 doubles its young generation
 * (16 → 32 → 64 MiB committed) however little of it is live, and promoted garbage waits in old
 * space for the next full GC, so RSS creeps up with the file size although nbs holds nothing but
 * its part buffers. A memory-reducing full GC after every GiB (≈ 10–50 ms) gives that back.
 * Call the returned function with the bytes done so far; it returns the pause in ms when it
 * collected. Never at the end (done ≥ total): the job is about to finish anyway. Main thread
 * only: getting the collector flips a process-wide V8 flag for a moment.
 */
export function createMemoryReclaimer(
  options: { everyBytes?: number; gc?: () => GcFunction | undefined } = {},
) {
  const every = options.everyBytes ?? GiB;
  const load = options.gc ?? v8Gc;
  let gc: GcFunction | undefined;
  let next = every;
  return (done: number, total: number): number | undefined => {
    if (done < next || done >= total) return undefined;
    next = (Math.floor(done / every) + 1) * every;
    gc ??= load(); // on first use: a run that never crosses a GiB pays nothing
    if (gc === undefined) return undefined;
    const started = performance.now();
    gc({ type: "major", execution: "sync", flavor: "last-resort" });
    return performance.now() - started;
  };
}
