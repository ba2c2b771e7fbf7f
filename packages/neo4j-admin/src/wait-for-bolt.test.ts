import type { Driver } from "neo4j-driver";
import { describe, expect, it } from "vitest";
import { waitForBolt } from "./wait-for-bolt.js";

const refusing = {
  executeQuery: () => Promise.reject(new Error("connect ECONNREFUSED")),
} as unknown as Driver;

describe("waitForBolt", () => {
  it("stops waiting as soon as the server process is gone, naming its pid", async () => {
    let probes = 0;
    const started = Date.now();
    await expect(
      waitForBolt(refusing, {
        database: "neo4j",
        timeoutMs: 60_000,
        intervalMs: 10,
        logHint: "see logs",
        exitedPid: () => Promise.resolve(++probes >= 3 ? 4242 : undefined),
      }),
    ).rejects.toMatchObject({
      code: "NEO4J",
      message: "the Neo4j server process (pid 4242) exited while starting",
      hint: "see logs",
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("still times out when the process lives but Bolt never answers", async () => {
    await expect(
      waitForBolt(refusing, {
        database: "neo4j",
        timeoutMs: 50,
        intervalMs: 10,
        logHint: "see logs",
        exitedPid: () => Promise.resolve(undefined),
      }),
    ).rejects.toMatchObject({
      code: "NEO4J",
      message: "Neo4j did not answer on Bolt within 50 ms",
    });
  });
});
