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

  it("reaches V8's collector at run time: dead chunk buffers are freed at once", async () => {
    const globalGc = (globalThis as { gc?: unknown }).gc;
    const reclaim = createDownloadReclaimer({ everyBytes: 1 });
    reclaim(1); // collect what came before
    const before = process.memoryUsage().arrayBuffers;
    // What a download leaves behind: 16 KiB chunks, each hashed and dropped.
    let sum = 0;
    for (let i = 0; i < 2048; i++) sum += Buffer.alloc(16 * 1024, i)[0]!;
    expect(sum).toBeGreaterThan(0);
    expect(process.memoryUsage().arrayBuffers - before).toBeGreaterThan(16 * MiB);
    expect(reclaim(2)).toBe(true);
    // The sweeper frees them in the background: polled, since a loaded machine delays it.
    await vi.waitFor(
      () => expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(4 * MiB),
      { timeout: 5_000, interval: 20 },
    );
    // The program's global scope is as it was (no gc() appeared).
    expect((globalThis as { gc?: unknown }).gc).toBe(globalGc);
  });
});
