import { v8Gc } from "@nbs/cli-kit";

/** V8's `gc()` with the options its extension takes. */
export type MinorGcFunction = (options: { type: "minor"; execution: "sync" }) => void;

const MiB = 1024 * 1024;

/**
 * Keeps a download's RSS near its start. Every chunk of an https response body is a fresh 16 KiB
 * buffer, dead as soon as it is hashed, but the little JS it takes to pass one on rarely fills the
 * young generation: V8 collects them only when their memory outside its heap has grown by tens
 * of MiB, with a full mark-compact (37 of them for 1 GiB, and ~190 MiB peak RSS). A young-generation
 * collection every 4 MiB frees them while they are still young (well under a millisecond each,
 * and less CPU in all than the full collections it replaces): ~130 MiB peak with the hashing
 * worker, ~150 MiB at every 8 MiB. Call the returned
 * function with the bytes done so far. Main thread only: getting the collector flips a
 * process-wide V8 flag for a moment.
 */
export function createDownloadReclaimer(
  options: { everyBytes?: number; gc?: () => MinorGcFunction | undefined } = {},
) {
  const every = options.everyBytes ?? 4 * MiB;
  const load = options.gc ?? v8Gc;
  let gc: MinorGcFunction | undefined;
  let loaded = false;
  let next = every;
  return (done: number): boolean => {
    if (done < next) return false;
    next = (Math.floor(done / every) + 1) * every;
    if (!loaded) {
      gc = load(); // on first use: a small download pays nothing
      loaded = true;
    }
    gc?.({ type: "minor", execution: "sync" });
    return gc !== undefined;
  };
}
