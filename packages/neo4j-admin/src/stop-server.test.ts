import { NbsError } from "@nbs/errors";
import { describe, expect, it } from "vitest";
import { locateNeo4j } from "./locate.js";
import type { ServerProcesses } from "./server-processes.js";
import { stopServer, type StopServerOptions } from "./stop-server.js";
import { basename, fakeInstall, fakeRunner, type RecordedRun } from "../test/fakes.js";

/**
 * A server that got SIGTERM from a `neo4j stop` which then failed: its process stays for
 * `stoppingFor` more looks, then is gone. Records what happened in order.
 */
function stoppingServer(stoppingFor: number, stop: (run: RecordedRun) => object = () => ({})) {
  const log: string[] = [];
  let looks = 0;
  const processes: ServerProcesses = {
    find: () => {
      looks += 1;
      const alive = looks <= stoppingFor;
      log.push(alive ? "running" : "gone");
      return Promise.resolve(alive ? [4242] : []);
    },
    kill: () => {},
    gone: () => Promise.resolve(looks > stoppingFor),
  };
  const runner = fakeRunner((run) => {
    if (run.args[0] === "--version") return { stdout: "5.26.30\n" };
    if (basename(run.file) === "neo4j") log.push(`neo4j ${run.args[0]}`);
    if (run.args[0] === "status") return { exitCode: looks > stoppingFor ? 3 : 0 };
    return run.args[0] === "stop" ? stop(run) : {};
  });
  return { log, processes, runner };
}

async function options(
  server: ReturnType<typeof stoppingServer>,
  extra: Partial<StopServerOptions> = {},
): Promise<[Awaited<ReturnType<typeof locateNeo4j>>, StopServerOptions]> {
  const inst = await locateNeo4j({ home: fakeInstall(), runner: server.runner });
  return [
    inst,
    {
      runner: server.runner,
      timeoutMs: 1000,
      processes: server.processes,
      intervalMs: 1,
      start: () => {
        server.log.push("start");
        return Promise.resolve();
      },
      codes: { stopFailed: "NEO4J_STOP_FAILED", notRestarted: "NEO4J_NOT_RESTARTED" },
      consequence: "nothing was dumped",
      ...extra,
    },
  ];
}

const failing = () => ({
  exitCode: 1,
  stderr: "Neo4j (pid 4242) took more than 2 seconds to stop.",
});

describe("stopServer", () => {
  it("stops, and starts nothing when the stop worked", async () => {
    const server = stoppingServer(0);
    await stopServer(...(await options(server)));
    expect(server.log).toEqual(["neo4j stop"]);
  });

  it("after a failed stop, waits until the server is gone, starts it again, and says so", async () => {
    const server = stoppingServer(3, failing);
    await expect(stopServer(...(await options(server)))).rejects.toMatchObject({
      code: "NEO4J_STOP_FAILED",
      category: "NEO4J",
      message:
        "neo4j stop exited with 1: Neo4j (pid 4242) took more than 2 seconds to stop; Neo4j was started again and nothing was dumped",
    });
    expect(server.log).toEqual([
      "neo4j stop",
      "running",
      "running",
      "running",
      "gone",
      "neo4j status",
      "start",
    ]);
  });

  it("after an interrupted stop, starts the server again and reports the interruption", async () => {
    const server = stoppingServer(1, () => {
      throw new NbsError("INTERRUPTED", "neo4j was cancelled");
    });
    const interrupt = new AbortController();
    interrupt.abort("SIGTERM");
    await expect(
      stopServer(...(await options(server, { signal: interrupt.signal }))),
    ).rejects.toMatchObject({ code: "INTERRUPTED", message: "neo4j was cancelled" });
    expect(server.log).toEqual(["neo4j stop", "running", "gone", "neo4j status", "start"]);
  });

  it("fails with the caller's not-restarted code when the start fails", async () => {
    const server = stoppingServer(0, failing);
    const [inst, opts] = await options(server, {
      start: () => Promise.reject(new Error("neo4j start exited with 1: port in use")),
      codes: { stopFailed: "RESTORE_STOP_FAILED", notRestarted: "RESTORE_RESTART_FAILED" },
    });
    await expect(stopServer(inst, opts)).rejects.toMatchObject({
      code: "RESTORE_RESTART_FAILED",
      message:
        "neo4j stop exited with 1: Neo4j (pid 4242) took more than 2 seconds to stop, and Neo4j did not start again: neo4j start exited with 1: port in use",
      hint: expect.stringContaining(`${inst.home}/bin/neo4j start`),
    });
  });

  it("gives up after its bound when the server never goes, and says Neo4j may be left down", async () => {
    const server = stoppingServer(Number.POSITIVE_INFINITY, failing);
    await expect(
      stopServer(...(await options(server, { stoppingTimeoutMs: 20 }))),
    ).rejects.toMatchObject({
      code: "NEO4J_NOT_RESTARTED",
      message: expect.stringContaining(
        "Neo4j did not start again: it was still running 0 s after the stop (pid 4242)",
      ),
    });
    expect(server.log).not.toContain("start");
  });

  it("waits while `neo4j status` says running although /proc finds nothing (the home spelled otherwise)", async () => {
    let statuses = 0;
    const log: string[] = [];
    const runner = fakeRunner((run) => {
      if (run.args[0] === "--version") return { stdout: "5.26.30\n" };
      log.push(`neo4j ${run.args[0]}`);
      if (run.args[0] === "stop") return failing();
      if (run.args[0] === "status") return { exitCode: ++statuses < 3 ? 0 : 3 };
      return {};
    });
    const server = { log, runner, processes: { ...stoppingServer(0).processes } };
    server.processes.find = () => Promise.resolve([]);
    await expect(stopServer(...(await options(server)))).rejects.toMatchObject({
      code: "NEO4J_STOP_FAILED",
    });
    expect(log).toEqual(["neo4j stop", "neo4j status", "neo4j status", "neo4j status", "start"]);
  });

  it("asks `neo4j status` where the processes cannot be listed", async () => {
    let statuses = 0;
    const log: string[] = [];
    const runner = fakeRunner((run) => {
      if (run.args[0] === "--version") return { stdout: "5.26.30\n" };
      log.push(`neo4j ${run.args[0]}`);
      if (run.args[0] === "stop") return failing();
      if (run.args[0] === "status") return { exitCode: ++statuses < 2 ? 0 : 3 };
      return {};
    });
    const server = { log, runner, processes: { ...stoppingServer(0).processes } };
    server.processes.find = () => Promise.resolve(undefined);
    await expect(stopServer(...(await options(server)))).rejects.toMatchObject({
      code: "NEO4J_STOP_FAILED",
    });
    expect(log).toEqual(["neo4j stop", "neo4j status", "neo4j status", "start"]);
  });
});
