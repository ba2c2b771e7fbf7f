import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** V8's `gc()` with the options its extension takes (type, execution, flavor). */
export type GcFunction = (options: {
  type: "major";
  execution: "sync";
  flavor: "last-resort";
}) => void;

export const RECLAIM_EVERY_BYTES = 1024 ** 3;

export interface MemoryReclaimerOptions {
  /** Reclaim after each multiple of this many bytes (default 1 GiB). */
  everyBytes?: number;
  /** The collector to call; by default V8's own, or none if it cannot be had. */
  gc?: GcFunction | undefined;
}

/**
 * Keeps a long streaming job's RSS flat. As a run goes on, V8 doubles its young generation
 * (16 → 32 → 64 MiB committed) however little of it is live, and promoted garbage waits in old
 * space for the next full GC, so RSS creeps up with the file size although nbs holds nothing but
 * its part buffers. A memory-reducing full GC after every GiB (≈ 10–50 ms) gives that back. Call
 * the returned function with the bytes done so far; it returns the pause in ms when it collected.
 * It never collects at the end (done ≥ total): the job is about to finish anyway.
 */
export function createMemoryReclaimer(options: MemoryReclaimerOptions = {}) {
  const every = options.everyBytes ?? RECLAIM_EVERY_BYTES;
  const gc = "gc" in options ? options.gc : v8Gc();
  let next = every;
  return (done: number, total: number): number | undefined => {
    if (gc === undefined || done < next || done >= total) return undefined;
    next = (Math.floor(done / every) + 1) * every;
    const started = performance.now();
    gc({ type: "major", execution: "sync", flavor: "last-resort" });
    return performance.now() - started;
  };
}

/**
 * V8's collector without `node --expose-gc` on every entry point: the flag is turned on just long
 * enough for a fresh vm context to receive `gc` (the main context never gets it), then off again.
 */
function v8Gc(): GcFunction | undefined {
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as GcFunction;
  } catch {
    return undefined;
  } finally {
    setFlagsFromString("--no-expose-gc");
  }
}
