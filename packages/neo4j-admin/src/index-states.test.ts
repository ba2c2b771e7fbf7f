import { fakeDriver } from "@nbs/testenv/doubles";
import { describe, expect, it } from "vitest";
import { waitForIndexes, type IndexState } from "./index-states.js";

/** A driver whose `SHOW INDEXES YIELD *` answers the given rows, one list per read (the last repeats). */
function indexesDriver(...reads: Record<string, unknown>[][]) {
  let count = 0;
  const { driver } = fakeDriver(({ cypher }) => {
    if (cypher !== "SHOW INDEXES YIELD *") throw new Error(cypher);
    return reads[Math.min(count++, reads.length - 1)]!;
  });
  return { driver, reads: () => count };
}

const online = (name: string) => ({ name, state: "ONLINE", populationPercent: 100 });

describe("waitForIndexes", () => {
  it("reads again while an index is POPULATING and returns once it is ONLINE", async () => {
    const { driver, reads } = indexesDriver(
      [online("b"), { name: "a", state: "POPULATING", populationPercent: 40 }],
      [online("b"), online("a")],
    );
    const told: IndexState[][] = [];
    const result = await waitForIndexes(driver, "neo4j", {
      timeoutMs: 60_000,
      intervalMs: 1,
      onPopulating: (states) => told.push(states),
    });
    expect(result).toEqual({
      settled: true,
      states: [
        { name: "a", state: "ONLINE", population_percent: 100 },
        { name: "b", state: "ONLINE", population_percent: 100 },
      ],
    });
    expect(reads()).toBe(2);
    expect(told).toEqual([
      [
        { name: "a", state: "POPULATING", population_percent: 40 },
        { name: "b", state: "ONLINE", population_percent: 100 },
      ],
    ]);
  });

  it("a FAILED index is final: no wait, its failure message's first line kept", async () => {
    const { driver, reads } = indexesDriver([
      {
        name: "big",
        state: "FAILED",
        populationPercent: 0,
        failureMessage: "java.lang.IllegalArgumentException: Property value is too large\n\tat x",
      },
    ]);
    const result = await waitForIndexes(driver, "neo4j", { timeoutMs: 60_000, intervalMs: 1 });
    expect(result).toEqual({
      settled: true,
      states: [
        {
          name: "big",
          state: "FAILED",
          population_percent: 0,
          failure: "java.lang.IllegalArgumentException: Property value is too large",
        },
      ],
    });
    expect(reads()).toBe(1);
  });

  it("ends unsettled at the bound when an index is still POPULATING", async () => {
    const { driver } = indexesDriver([{ name: "a", state: "POPULATING", populationPercent: 3 }]);
    const result = await waitForIndexes(driver, "neo4j", { timeoutMs: 0 });
    expect(result).toEqual({
      settled: false,
      states: [{ name: "a", state: "POPULATING", population_percent: 3 }],
    });
  });
});
