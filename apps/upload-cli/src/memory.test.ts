import { getHeapSpaceStatistics } from "node:v8";
import { describe, expect, it, vi } from "vitest";
import { createMemoryReclaimer, type GcFunction } from "./memory.js";

const GiB = 1024 ** 3;

describe("memory reclaimer", () => {
  it("collects once per GiB crossed, never at the end", () => {
    const collect = vi.fn<GcFunction>();
    const load = vi.fn(() => collect);
    const reclaim = createMemoryReclaimer({ gc: load });
    const total = 5 * GiB;
    expect(reclaim(GiB / 2, total)).toBeUndefined();
    expect(load).not.toHaveBeenCalled(); // nothing set up before the first GiB
    expect(reclaim(GiB, total)).toEqual(expect.any(Number));
    expect(reclaim(1.5 * GiB, total)).toBeUndefined();
    expect(collect).toHaveBeenCalledTimes(1);
    expect(collect).toHaveBeenCalledWith({
      type: "major",
      execution: "sync",
      flavor: "last-resort",
    });
    // Several boundaries in one step (a large part): one collection, the next one GiB later.
    expect(reclaim(3.2 * GiB, total)).toEqual(expect.any(Number));
    expect(reclaim(3.9 * GiB, total)).toBeUndefined();
    expect(reclaim(4 * GiB, total)).toEqual(expect.any(Number));
    expect(reclaim(total, total)).toBeUndefined();
    expect(collect).toHaveBeenCalledTimes(3);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("does nothing when no collector is available", () => {
    expect(createMemoryReclaimer({ gc: () => undefined })(2 * GiB, 5 * GiB)).toBeUndefined();
  });

  it("reaches V8's collector at run time: the young generation shrinks back", () => {
    const globalGc = (globalThis as { gc?: unknown }).gc;
    const newSpace = () =>
      getHeapSpaceStatistics().find((s) => s.space_name === "new_space")!.space_size;
    // Objects that live a little while make V8 grow the young generation, as a long upload does.
    let window: object[] = [];
    for (let i = 0; i < 3_000_000 && newSpace() < 8 * 1024 ** 2; i++) {
      window.push({ i });
      if (window.length > 50_000) window = [];
    }
    const grown = newSpace();
    expect(grown).toBeGreaterThanOrEqual(8 * 1024 ** 2);
    expect(createMemoryReclaimer({ everyBytes: 1 })(1, 2)).toEqual(expect.any(Number));
    expect(newSpace()).toBeLessThan(grown / 2);
    // The program's global scope is as it was (no gc() appeared).
    expect((globalThis as { gc?: unknown }).gc).toBe(globalGc);
  });
});
