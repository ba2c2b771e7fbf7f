import neo4j, { type Driver } from "neo4j-driver";
import { NbsError } from "@nbs/errors";
import { createServer, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { waitForBolt } from "./wait-for-bolt.js";

const options = { database: "neo4j", timeoutMs: 300, intervalMs: 20, logHint: "see the logs" };

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
      code: "NEO4J_EXITED",
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
      code: "NEO4J_START_TIMEOUT",
      message: "Neo4j did not answer on Bolt within 50 ms",
    });
  });
  it("fails NEO4J at its deadline when a probe never settles", async () => {
    const hung = { executeQuery: () => new Promise(() => {}) } as unknown as Driver;
    const started = Date.now();
    const error = await waitForBolt(hung, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NbsError);
    expect(error).toMatchObject({ code: "NEO4J_START_TIMEOUT", hint: "see the logs" });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("keeps polling through failed probes until one answers", async () => {
    let calls = 0;
    const flaky = {
      executeQuery: () =>
        ++calls < 3 ? Promise.reject(new Error("not yet")) : Promise.resolve({}),
    } as unknown as Driver;
    await waitForBolt(flaky, { ...options, timeoutMs: 5000 });
    expect(calls).toBe(3);
  });

  it("ends in NEO4J within its bound against a port that accepts and never speaks Bolt", async () => {
    const sockets: Socket[] = [];
    const server = createServer((socket) => sockets.push(socket.on("error", () => {})));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const driver = neo4j.driver(`bolt://127.0.0.1:${port}`, neo4j.auth.basic("neo4j", "x"));
    const started = Date.now();
    try {
      const error = await waitForBolt(driver, { ...options, timeoutMs: 1000 }).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: "NEO4J_START_TIMEOUT", category: "NEO4J" });
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await driver.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
