import { getHeapSpaceStatistics } from "node:v8";
import { describe, expect, it, vi } from "vitest";
import { createMemoryReclaimer, type GcFunction } from "./index.js";

const GiB = 1024 ** 3;

describe("memory reclaimer", () => {
  it("collects once per GiB crossed, never at the end", () => {
    const gc = vi.fn<GcFunction>();
    const reclaim = createMemoryReclaimer({ gc });
    const total = 5 * GiB;
    expect(reclaim(GiB / 2, total)).toBeUndefined();
    expect(reclaim(GiB, total)).toEqual(expect.any(Number));
    expect(reclaim(1.5 * GiB, total)).toBeUndefined();
    expect(gc).toHaveBeenCalledTimes(1);
    expect(gc).toHaveBeenCalledWith({ type: "major", execution: "sync", flavor: "last-resort" });
    // Several boundaries in one step (a large part): one collection, the next one GiB later.
    expect(reclaim(3.2 * GiB, total)).toEqual(expect.any(Number));
    expect(reclaim(3.9 * GiB, total)).toBeUndefined();
    expect(reclaim(4 * GiB, total)).toEqual(expect.any(Number));
    expect(reclaim(total, total)).toBeUndefined();
    expect(gc).toHaveBeenCalledTimes(3);
  });

  it("does nothing when no collector is available", () => {
    expect(createMemoryReclaimer({ gc: undefined })(2 * GiB, 5 * GiB)).toBeUndefined();
  });

  it("reaches V8's collector at run time: the young generation shrinks back", () => {
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
    // The main context did not get a global gc().
    expect("gc" in globalThis).toBe(false);
  });
});
