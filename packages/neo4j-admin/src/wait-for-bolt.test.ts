import { fakeDriver, type Query, type Row } from "@nbs/testenv/doubles";
import neo4j, { type Driver } from "neo4j-driver";
import { NbsError } from "@nbs/errors";
import { createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BOLT_POLL_INTERVAL_MS, waitForBolt } from "./wait-for-bolt.js";

const options = { database: "neo4j", timeoutMs: 300, intervalMs: 20, logHint: "see the logs" };

/**
 * A driver double whose sessions answer `run` with `answer`; its managed-transaction API
 * (executeQuery, whose retries back off for up to 30 s) fails the test if used.
 */
function driverAnswering(answer: (query: Query) => Row[] | Promise<Row[]>): Driver {
  return Object.assign(fakeDriver(answer).driver, {
    executeQuery: () => Promise.reject(new Error("managed transactions retry with back-off")),
  });
}

const refusing = driverAnswering(() => Promise.reject(new Error("connect ECONNREFUSED")));

afterEach(() => {
  vi.useRealTimers();
});

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
    const hung = driverAnswering(() => new Promise(() => {}));
    const started = Date.now();
    const error = await waitForBolt(hung, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NbsError);
    expect(error).toMatchObject({ code: "NEO4J_START_TIMEOUT", hint: "see the logs" });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("keeps polling through failed probes until one answers", async () => {
    let calls = 0;
    const flaky = driverAnswering(() =>
      ++calls < 3 ? Promise.reject(new Error("not yet")) : Promise.resolve([]),
    );
    await waitForBolt(flaky, { ...options, timeoutMs: 5000 });
    expect(calls).toBe(3);
  });

  it("answers within one short interval of the server coming up: one query per probe, no retries", async () => {
    vi.useFakeTimers();
    const upAt = 7_000; // the server answers from this (virtual) time on
    const start = Date.now();
    const probes: Query[] = [];
    const starting = driverAnswering((query) => {
      probes.push(query);
      if (Date.now() - start >= upAt) return Promise.resolve([]);
      const unavailable = Object.assign(new Error("database is starting"), {
        code: "Neo.TransientError.General.DatabaseUnavailable",
      });
      return Promise.reject(unavailable);
    });
    let doneAt: number | undefined;
    const waiting = waitForBolt(starting, {
      database: "system",
      query: "SHOW DEFAULT DATABASE",
      timeoutMs: 60_000,
      logHint: "see logs",
    }).then(() => (doneAt = Date.now()));
    await vi.advanceTimersByTimeAsync(upAt + 1_000);
    await waiting;
    // Done by the first probe after the server came up, at most one interval later.
    expect(doneAt! - start).toBeGreaterThanOrEqual(upAt);
    expect(doneAt! - start).toBeLessThanOrEqual(upAt + BOLT_POLL_INTERVAL_MS);
    expect(probes.length).toBe(Math.ceil(upAt / BOLT_POLL_INTERVAL_MS) + 1);
    expect(new Set(probes.map((p) => `${String(p.database)} ${p.cypher}`))).toEqual(
      new Set(["system SHOW DEFAULT DATABASE"]),
    );
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
