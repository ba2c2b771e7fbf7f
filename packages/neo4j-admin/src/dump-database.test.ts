import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fakeDriver } from "@nbs/testenv/doubles";
import { describe, expect, it, vi } from "vitest";
import { dumpDatabase, utcStamp } from "./dump-database.js";
import { basename, fakeInstall, fakeRunner, tempDir } from "../test/fakes.js";
import type { RecordedRun } from "../test/fakes.js";

const now = () => new Date("2026-03-04T05:06:07.890Z");

/** Simulates a running Community server: `--version`, status, stop, start, and a dump that writes a file. */
function neo4jSimulator(
  options: {
    running?: boolean;
    dumpFails?: boolean;
    storeTx?: () => number;
    /** `neo4j stop` exits 1 after its SIGTERM stopped the server anyway. */
    stopFails?: boolean;
    /** How long the dump takes. */
    dumpMs?: number;
  } = {},
) {
  let running = options.running ?? true;
  const runner = fakeRunner(async ({ file, args }: RecordedRun) => {
    if (args[0] === "--version") return { stdout: "5.26.30\n" };
    if (basename(file) === "neo4j") {
      if (args[0] === "status") return { exitCode: running ? 0 : 3 };
      running = args[0] === "start";
      if (args[0] === "stop" && options.stopFails)
        return { exitCode: 1, stderr: "Neo4j (pid 4242) took more than 120 seconds to stop." };
      return {};
    }
    if (args[1] === "info") {
      if (running) return { exitCode: 1, stderr: "the database 'neo4j' is in use" };
      const tx = String(options.storeTx?.() ?? 7);
      return { stdout: `{"databaseName":"neo4j","lastCommittedTransaction":"${tx}"}\n` };
    }
    if (args[1] === "dump") {
      if (running) return { exitCode: 1, stderr: "database is in use" };
      if (options.dumpFails) return { exitCode: 1, stderr: "disk full" };
      if (options.dumpMs) await new Promise((resolve) => setTimeout(resolve, options.dumpMs));
      const toPath = args.find((a) => a.startsWith("--to-path="))!.slice("--to-path=".length);
      await writeFile(join(toPath, `${args[2]}.dump`), "DZV1-data");
    }
    return {};
  });
  return Object.assign(runner, { isRunning: () => running });
}

const steps = (runs: RecordedRun[]) =>
  runs.map((r) => `${basename(r.file)} ${r.args.slice(0, 2).join(" ")}`);

describe("dumpDatabase", () => {
  it("stops the server, dumps to <db>-<UTC stamp>.dump, and starts it again", async () => {
    const [home, outDir] = [fakeInstall(), tempDir("nbs-out-")];
    const runner = neo4jSimulator();
    const result = await dumpDatabase({ home, db: "neo4j", outDir, runner, now });

    expect(result).toEqual({
      path: join(outDir, "neo4j-20260304T050607Z.dump"),
      stats: undefined,
      neo4j: { version: "5.26.30", edition: "community" },
      createdAt: "2026-03-04T05:06:07.890Z",
    });
    expect(await readFile(result.path, "utf8")).toBe("DZV1-data");
    expect(await readdir(outDir)).toEqual(["neo4j-20260304T050607Z.dump"]);
    expect(steps(runner.runs)).toEqual([
      "neo4j status",
      "neo4j stop",
      "neo4j-admin database dump",
      "neo4j start",
    ]);
  });

  it("restarts the server even when the dump fails, and leaves no partial file", async () => {
    const [home, outDir] = [fakeInstall(), tempDir("nbs-out-")];
    const runner = neo4jSimulator({ dumpFails: true });
    await expect(dumpDatabase({ home, db: "neo4j", outDir, runner, now })).rejects.toMatchObject({
      code: "NEO4J_COMMAND_FAILED",
      exitCode: 1,
      outputTail: "disk full",
    });
    expect(steps(runner.runs).at(-1)).toBe("neo4j start");
    expect(await readdir(outDir)).toEqual([]);
  });

  it("starts the server again when the stop fails (it may have stopped anyway), and dumps nothing", async () => {
    const [home, outDir] = [fakeInstall(), tempDir("nbs-out-")];
    const runner = neo4jSimulator({ stopFails: true });
    await expect(dumpDatabase({ home, db: "neo4j", outDir, runner, now })).rejects.toMatchObject({
      code: "NEO4J_STOP_FAILED",
      message:
        "neo4j stop exited with 1: Neo4j (pid 4242) took more than 120 seconds to stop; Neo4j was started again and nothing was dumped",
    });
    expect(steps(runner.runs)).toEqual([
      "neo4j status",
      "neo4j stop",
      "neo4j status",
      "neo4j start",
    ]);
    expect(await readdir(outDir)).toEqual([]);
  });

  it("finds an out-dir it cannot write before stopping anything", async () => {
    const home = fakeInstall();
    const notADir = join(tempDir("nbs-out-"), "a-file");
    await writeFile(notADir, "");
    const runner = neo4jSimulator();
    await expect(
      dumpDatabase({ home, db: "neo4j", outDir: notADir, runner, now }),
    ).rejects.toMatchObject({
      code: "OUT_DIR_NOT_WRITABLE",
      message: `cannot write to the out-dir ${notADir}: ENOTDIR`,
    });
    expect(steps(runner.runs)).not.toContain("neo4j stop");
  });

  it("never overwrites an existing dump, and still restarts", async () => {
    const [home, outDir] = [fakeInstall(), tempDir("nbs-out-")];
    await writeFile(join(outDir, `neo4j-${utcStamp(now())}.dump`), "older");
    const runner = neo4jSimulator();
    await expect(dumpDatabase({ home, db: "neo4j", outDir, runner, now })).rejects.toMatchObject({
      code: "DUMP_EXISTS",
    });
    expect(await readFile(join(outDir, "neo4j-20260304T050607Z.dump"), "utf8")).toBe("older");
    expect(steps(runner.runs).at(-1)).toBe("neo4j start");
  });

  it("dumps a stopped server without starting it", async () => {
    const [home, outDir] = [fakeInstall(), tempDir("nbs-out-")];
    const runner = neo4jSimulator({ running: false });
    await dumpDatabase({ home, db: "neo4j", outDir, runner, now });
    expect(steps(runner.runs)).toEqual(["neo4j status", "neo4j-admin database dump"]);
  });

  it("captures stats and the edition while online, then waits for Bolt after the restart", async () => {
    const [home, outDir] = [fakeInstall(), tempDir("nbs-out-")];
    const graph = fakeGraph(() => 7);
    const runner = neo4jSimulator();
    const result = await dumpDatabase({
      home,
      db: "neo4j",
      outDir,
      runner,
      now,
      driverFactory: graph.driverFactory,
    });
    expect(result.stats).toEqual({
      nodes: 3,
      relationships: 3,
      labels: {},
      relationship_types: {},
      schema: { indexes: [], constraints: [] },
      exact: true,
      counted_at_tx: 7,
      dumped_at_tx: 7,
    });
    expect(graph.queries.at(-1)?.cypher).toBe("RETURN 1");
    // The counting, the downtime clock's and the restart's drivers.
    expect(graph.close).toHaveBeenCalledTimes(3);
    expect(steps(runner.runs)).toEqual([
      "neo4j status",
      "neo4j stop",
      "neo4j-admin database info",
      "neo4j-admin database dump",
      "neo4j start",
    ]);
  });

  it("measures the downtime over Bolt: from the last answer before the stop to the first after the start", async () => {
    const [home, outDir] = [fakeInstall(), tempDir("nbs-out-")];
    const runner = neo4jSimulator({ dumpMs: 400 });
    const graph = fakeGraph(
      () => 7,
      undefined,
      () => runner.isRunning(),
    );
    const reported: (number | undefined)[] = [];
    const result = await dumpDatabase({
      home,
      db: "neo4j",
      outDir,
      runner,
      now,
      driverFactory: graph.driverFactory,
      onRestarted: (ms) => reported.push(ms),
    });
    // The server did not answer during the whole dump, which took 400 ms.
    expect(result.downtimeMs).toBeGreaterThanOrEqual(400);
    expect(reported).toEqual([result.downtimeMs]);
  });

  it("records no downtime without Bolt (nothing to probe)", async () => {
    const [home, outDir] = [fakeInstall(), tempDir("nbs-out-")];
    const result = await dumpDatabase({ home, db: "neo4j", outDir, runner: neo4jSimulator(), now });
    expect(result).not.toHaveProperty("downtimeMs");
  });

  it("calls the counts exact when the stopped store holds the transaction they were taken at", async () => {
    const [home, outDir] = [fakeInstall(), tempDir("nbs-out-")];
    const result = await dumpDatabase({
      home,
      db: "neo4j",
      outDir,
      runner: neo4jSimulator({ storeTx: () => 42 }),
      now,
      driverFactory: fakeGraph(() => 42).driverFactory,
    });
    expect(result.stats).toMatchObject({ exact: true, counted_at_tx: 42, dumped_at_tx: 42 });
  });

  it("calls the counts inexact when a write committed between counting and the stop", async () => {
    const [home, outDir] = [fakeInstall(), tempDir("nbs-out-")];
    const result = await dumpDatabase({
      home,
      db: "neo4j",
      outDir,
      runner: neo4jSimulator({ storeTx: () => 43 }),
      now,
      driverFactory: fakeGraph(() => 42).driverFactory,
    });
    expect(result.stats).toMatchObject({ exact: false, counted_at_tx: 42, dumped_at_tx: 43 });
  });

  it("counts again while writes move the transaction id, and calls the counts inexact after 3 tries", async () => {
    const [home, outDir] = [fakeInstall(), tempDir("nbs-out-")];
    let tx = 100;
    const graph = fakeGraph(() => tx++);
    const result = await dumpDatabase({
      home,
      db: "neo4j",
      outDir,
      runner: neo4jSimulator({ storeTx: () => tx }),
      now,
      driverFactory: graph.driverFactory,
    });
    expect(result.stats).toMatchObject({ exact: false, dumped_at_tx: 106 });
    expect(result.stats).not.toHaveProperty("counted_at_tx");
    expect(graph.queries.filter((q) => q.cypher === "MATCH (n) RETURN count(n) AS c")).toHaveLength(
      3,
    );

    let steady = 200;
    const settling = fakeGraph(() => (steady < 203 ? steady++ : steady));
    const settled = await dumpDatabase({
      home,
      db: "neo4j",
      outDir: tempDir("nbs-out-"),
      runner: neo4jSimulator({ storeTx: () => 203 }),
      now,
      driverFactory: settling.driverFactory,
    });
    expect(settled.stats).toMatchObject({ exact: true, counted_at_tx: 203, dumped_at_tx: 203 });
  });

  it("leaves exactness unknown when the bookmark does not carry a transaction id", async () => {
    const [home, outDir] = [fakeInstall(), tempDir("nbs-out-")];
    const result = await dumpDatabase({
      home,
      db: "neo4j",
      outDir,
      runner: neo4jSimulator(),
      now,
      driverFactory: fakeGraph(() => undefined).driverFactory,
    });
    expect(result.stats).toMatchObject({ dumped_at_tx: 7 });
    expect(result.stats).not.toHaveProperty("exact");
    expect(result.stats).not.toHaveProperty("counted_at_tx");
  });

  it("fails NEO4J naming the credentials when counting fails, and leaves the server running", async () => {
    const [home, outDir] = [fakeInstall(), tempDir("nbs-out-")];
    const runner = neo4jSimulator();
    const denied = Object.assign(
      new Error("The client is unauthorized due to authentication failure."),
      { code: "Neo.ClientError.Security.Unauthorized" },
    );
    await expect(
      dumpDatabase({
        home,
        db: "neo4j",
        outDir,
        runner,
        now,
        driverFactory: fakeGraph(() => 7, denied).driverFactory,
      }),
    ).rejects.toMatchObject({
      code: "STATS_FAILED",
      message:
        "cannot count the graph of neo4j before the dump: The client is unauthorized due to authentication failure.",
      hint: expect.stringContaining("NEO4J_PASSWORD"),
    });
    expect(steps(runner.runs)).toEqual(["neo4j status"]);
    expect(await readdir(outDir)).toEqual([]);
  });
});

/**
 * A driver to a running server with 3 nodes and 3 relationships: read transactions return a
 * Neo4j 5 bookmark carrying `tx()` (or an opaque one when it is undefined); queries other than
 * the probe fail with `failure` when given; `up` says whether the server answers the probe
 * (`RETURN 1`), default always. Every driver of the factory is this one.
 */
function fakeGraph(tx: () => number | undefined, failure?: Error, up: () => boolean = () => true) {
  const bookmarkFor = (id: number | undefined) =>
    id === undefined
      ? "opaque"
      : `FB:${Buffer.concat([Buffer.from([0x91, 0xcc, 0x10]), Buffer.alloc(16, 1), Buffer.from([0xca]), Buffer.from(new Uint32Array([id]).buffer).reverse(), Buffer.from([0x90])]).toString("base64")}`;
  const { driver, queries } = fakeDriver(
    ({ cypher }) => {
      if (cypher === "RETURN 1") {
        if (!up()) throw new Error("ECONNREFUSED");
        return [{}];
      }
      if (failure) throw failure;
      if (cypher.includes("dbms.components")) return [{ edition: "community" }];
      if (cypher.includes("db.") || cypher.startsWith("SHOW ")) return [];
      return [{ c: 3 }];
    },
    { bookmark: () => bookmarkFor(tx()) },
  );
  return { driverFactory: () => driver, queries, close: vi.spyOn(driver, "close") };
}

describe("utcStamp", () => {
  it("formats yyyymmddThhmmssZ in UTC", () => {
    expect(utcStamp(new Date("1999-12-31T23:59:59.999Z"))).toBe("19991231T235959Z");
  });
});
