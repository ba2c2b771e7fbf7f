import { PerformanceObserver, performance, type PerformanceEntry } from "node:perf_hooks";
import { describe, expect, it, vi } from "vitest";
import { createDownloadReclaimer, type MinorGcFunction } from "./memory.js";

const MiB = 1024 * 1024;

describe("download reclaimer", () => {
  it("runs a young-generation collection once per 4 MiB crossed, set up on first use", () => {
    const collect = vi.fn<MinorGcFunction>();
    const load = vi.fn(() => collect);
    const reclaim = createDownloadReclaimer({ gc: load });
    expect(reclaim(2 * MiB)).toBe(false);
    expect(load).not.toHaveBeenCalled(); // a small download pays nothing
    expect(reclaim(4 * MiB)).toBe(true);
    expect(reclaim(6 * MiB)).toBe(false);
    // Several boundaries in one step: one collection, the next one at the following boundary.
    expect(reclaim(15 * MiB)).toBe(true);
    expect(reclaim(15.5 * MiB)).toBe(false);
    expect(reclaim(16 * MiB)).toBe(true);
    expect(collect).toHaveBeenCalledTimes(3);
    expect(collect).toHaveBeenCalledWith({ type: "minor", execution: "sync" });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("does nothing when no collector is available", () => {
    expect(createDownloadReclaimer({ gc: () => undefined })(8 * MiB)).toBe(false);
  });

  it("reaches V8's collector at run time: a young-generation collection runs within the call, and the dead chunk buffers are freed", async () => {
    const globalGc = (globalThis as { gc?: unknown }).gc;
    const reclaim = createDownloadReclaimer({ everyBytes: 1 });
    reclaim(1); // collect what came before
    const collections: PerformanceEntry[] = [];
    const observer = new PerformanceObserver((list) => collections.push(...list.getEntries()));
    observer.observe({ entryTypes: ["gc"] });
    const before = process.memoryUsage().arrayBuffers;
    // What a download leaves behind: 16 KiB chunks, each hashed and dropped.
    let sum = 0;
    for (let i = 0; i < 2048; i++) sum += Buffer.alloc(16 * 1024, i)[0]!;
    expect(sum).toBeGreaterThan(0);
    expect(process.memoryUsage().arrayBuffers - before).toBeGreaterThan(16 * MiB);
    const called = performance.now();
    expect(reclaim(2)).toBe(true);
    const returned = performance.now();
    // The collection itself is synchronous: one began while reclaim ran (entries arrive later).
    await vi.waitFor(
      () =>
        expect(collections.some((gc) => gc.startTime >= called && gc.startTime <= returned)).toBe(
          true,
        ),
      { timeout: 30_000, interval: 20 },
    );
    observer.disconnect();
    // The sweeper frees the buffers in the background: polled, as a loaded machine delays it.
    await vi.waitFor(
      () => expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(4 * MiB),
      { timeout: 30_000, interval: 20 },
    );
    // The program's global scope is as it was (no gc() appeared).
    expect((globalThis as { gc?: unknown }).gc).toBe(globalGc);
  });
});
