import { fakeDriver } from "@nbs/testenv/doubles";
import { describe, expect, it } from "vitest";
import { countNodes, loadDatabase, locateNeo4j } from "./index.js";
import { basename, fakeInstall, fakeRunner, tempDir } from "../test/fakes.js";
import type { RecordedRun } from "../test/fakes.js";

/** A Community server: status, stop, start, and a load that only works while stopped. */
function server(
  options: {
    running?: boolean;
    loadFails?: boolean;
    startFails?: boolean;
    stopFails?: boolean;
  } = {},
) {
  let running = options.running ?? true;
  return fakeRunner(({ file, args }: RecordedRun) => {
    if (args[0] === "--version") return { stdout: "5.26.30\n" };
    if (basename(file) === "neo4j") {
      if (args[0] === "status") return { exitCode: running ? 0 : 3 };
      if (args[0] === "start" && options.startFails) return { exitCode: 1, stderr: "port in use" };
      running = args[0] === "start";
      // The stop's SIGTERM stopped the server, but `neo4j stop` gave up waiting.
      if (args[0] === "stop" && options.stopFails) return { exitCode: 1, stderr: "failed to stop" };
      return {};
    }
    if (args[1] === "load") {
      if (running) return { exitCode: 1, stderr: "database is in use" };
      if (options.loadFails) return { exitCode: 1, stderr: "Unexpected end of stream" };
    }
    return {};
  });
}

/** The server's Bolt: every driver of the tests is this one; its queries are the probes after the start. */
const bolt = fakeDriver();
/** Databases the Bolt probes after the start were sent to (since last asked). */
const probed = () =>
  bolt.queries.splice(0).map(({ cypher, database }) => `${String(database)}: ${cypher}`);

const steps = (runs: RecordedRun[]) =>
  runs.map((r) => `${basename(r.file)} ${r.args.slice(0, 2).join(" ")}`);

async function setup(runner: ReturnType<typeof server>) {
  const installation = await locateNeo4j({ home: fakeInstall(), runner });
  return {
    installation,
    db: "neo4j",
    dumpDir: tempDir("nbs-load-"),
    runner,
    driverFactory: () => bolt.driver,
  };
}

describe("loadDatabase", () => {
  it("stops the server, loads with --overwrite-destination, and starts it again", async () => {
    const runner = server();
    expect(await loadDatabase(await setup(runner))).toEqual({ wasRunning: true });
    expect(steps(runner.runs)).toEqual([
      "neo4j status",
      "neo4j stop",
      "neo4j-admin database load",
      "neo4j start",
    ]);
    expect(runner.runs.find((r) => r.args[1] === "load")!.args).toContain(
      "--overwrite-destination",
    );
    expect(probed()).toEqual(["neo4j: RETURN 1"]);
  });

  it("starts the server again when the load fails, then reports the load", async () => {
    const runner = server({ loadFails: true });
    await expect(loadDatabase(await setup(runner))).rejects.toMatchObject({
      code: "RESTORE_LOAD_FAILED",
      category: "NEO4J",
    });
    expect(steps(runner.runs).slice(-2)).toEqual(["neo4j-admin database load", "neo4j start"]);
    // The failed database may never come online; the server answering is what is awaited.
    expect(probed()).toEqual(["system: SHOW DATABASES"]);
  });

  it("says so when the server does not start again", async () => {
    const runner = server({ startFails: true });
    await expect(loadDatabase(await setup(runner))).rejects.toMatchObject({
      code: "RESTORE_RESTART_FAILED",
    });
  });

  it("starts the server again when the stop fails, and loads nothing", async () => {
    const runner = server({ stopFails: true });
    await expect(loadDatabase(await setup(runner))).rejects.toMatchObject({
      code: "RESTORE_STOP_FAILED",
      message:
        "neo4j stop exited with 1: failed to stop; Neo4j was started again and nothing was loaded",
    });
    expect(steps(runner.runs)).toEqual([
      "neo4j status",
      "neo4j stop",
      "neo4j status",
      "neo4j start",
    ]);
    expect(probed()).toEqual(["neo4j: RETURN 1"]);
  });

  it("says RESTORE_RESTART_FAILED when the server does not come back after a failed stop", async () => {
    const runner = server({ stopFails: true, startFails: true });
    await expect(loadDatabase(await setup(runner))).rejects.toMatchObject({
      code: "RESTORE_RESTART_FAILED",
      message: expect.stringContaining("and Neo4j did not start again"),
    });
    expect(steps(runner.runs)).not.toContain("neo4j-admin database load");
  });

  it("starts a server that was stopped before, once loaded", async () => {
    const runner = server({ running: false });
    expect(await loadDatabase(await setup(runner))).toEqual({ wasRunning: false });
    expect(steps(runner.runs)).toEqual([
      "neo4j status",
      "neo4j-admin database load",
      "neo4j start",
    ]);
  });
});

describe("countNodes", () => {
  it("is 0 for a database that does not exist yet", async () => {
    const missing = fakeDriver(() => {
      throw Object.assign(new Error("no such db"), {
        code: "Neo.ClientError.Database.DatabaseNotFound",
      });
    });
    expect(await countNodes(missing.driver, "other")).toBe(0);
  });

  it("rethrows anything else (an auth failure is not an empty database)", async () => {
    const denied = fakeDriver(() => {
      throw Object.assign(new Error("unauthorized"), {
        code: "Neo.ClientError.Security.Unauthorized",
      });
    });
    await expect(countNodes(denied.driver, "neo4j")).rejects.toThrow("unauthorized");
  });
});
