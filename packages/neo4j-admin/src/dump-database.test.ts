import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Driver } from "neo4j-driver";
import { describe, expect, it } from "vitest";
import { dumpDatabase, utcStamp } from "./index.js";
import { basename, fakeInstall, fakeRunner, tempDir } from "../test/fakes.js";
import type { RecordedRun } from "../test/fakes.js";

const now = () => new Date("2026-03-04T05:06:07.890Z");

/** Simulates a running Community server: `--version`, status, stop, start, and a dump that writes a file. */
function neo4jSimulator(options: { running?: boolean; dumpFails?: boolean } = {}) {
  let running = options.running ?? true;
  return fakeRunner(async ({ file, args }: RecordedRun) => {
    if (args[0] === "--version") return { stdout: "5.26.30\n" };
    if (basename(file) === "neo4j") {
      if (args[0] === "status") return { exitCode: running ? 0 : 3 };
      running = args[0] === "start";
      return {};
    }
    if (args[1] === "dump") {
      if (running) return { exitCode: 1, stderr: "database is in use" };
      if (options.dumpFails) return { exitCode: 1, stderr: "disk full" };
      const toPath = args.find((a) => a.startsWith("--to-path="))!.slice("--to-path=".length);
      await writeFile(join(toPath, `${args[2]}.dump`), "DZV1-data");
    }
    return {};
  });
}

const steps = (runs: RecordedRun[]) =>
  runs.map((r) => `${basename(r.file)} ${r.args.slice(0, 2).join(" ")}`);

describe("dumpDatabase", () => {
  it("stops the server, dumps to <db>-<UTC stamp>.dump, and starts it again", async () => {
    const [home, outDir] = [await fakeInstall(), await tempDir("nbs-out-")];
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
      "neo4j-admin --version",
      "neo4j status",
      "neo4j stop",
      "neo4j-admin database dump",
      "neo4j start",
    ]);
  });

  it("restarts the server even when the dump fails, and leaves no partial file", async () => {
    const [home, outDir] = [await fakeInstall(), await tempDir("nbs-out-")];
    const runner = neo4jSimulator({ dumpFails: true });
    await expect(dumpDatabase({ home, db: "neo4j", outDir, runner, now })).rejects.toMatchObject({
      code: "NEO4J",
      exitCode: 1,
      outputTail: "disk full",
    });
    expect(steps(runner.runs).at(-1)).toBe("neo4j start");
    expect(await readdir(outDir)).toEqual([]);
  });

  it("finds an out-dir it cannot write before stopping anything", async () => {
    const home = await fakeInstall();
    const notADir = join(await tempDir("nbs-out-"), "a-file");
    await writeFile(notADir, "");
    const runner = neo4jSimulator();
    await expect(
      dumpDatabase({ home, db: "neo4j", outDir: notADir, runner, now }),
    ).rejects.toMatchObject({
      code: "INPUT",
      message: `cannot write to the out-dir ${notADir}: ENOTDIR`,
    });
    expect(steps(runner.runs)).not.toContain("neo4j stop");
  });

  it("never overwrites an existing dump, and still restarts", async () => {
    const [home, outDir] = [await fakeInstall(), await tempDir("nbs-out-")];
    await writeFile(join(outDir, `neo4j-${utcStamp(now())}.dump`), "older");
    const runner = neo4jSimulator();
    await expect(dumpDatabase({ home, db: "neo4j", outDir, runner, now })).rejects.toMatchObject({
      code: "INPUT",
    });
    expect(await readFile(join(outDir, "neo4j-20260304T050607Z.dump"), "utf8")).toBe("older");
    expect(steps(runner.runs).at(-1)).toBe("neo4j start");
  });

  it("dumps a stopped server without starting it", async () => {
    const [home, outDir] = [await fakeInstall(), await tempDir("nbs-out-")];
    const runner = neo4jSimulator({ running: false });
    await dumpDatabase({ home, db: "neo4j", outDir, runner, now });
    expect(steps(runner.runs)).toEqual([
      "neo4j-admin --version",
      "neo4j status",
      "neo4j-admin database dump",
    ]);
  });

  it("captures stats and the edition while online, then waits for Bolt after the restart", async () => {
    const [home, outDir] = [await fakeInstall(), await tempDir("nbs-out-")];
    const queries: string[] = [];
    let closed = 0;
    const driver = {
      executeQuery: (cypher: string) => {
        queries.push(cypher);
        const value = cypher.includes("dbms.components")
          ? "community"
          : cypher.includes("db.")
            ? undefined
            : 3;
        const records = value === undefined ? [] : [{ get: () => value }];
        return Promise.resolve({ records });
      },
      close: () => Promise.resolve(void closed++),
    } as unknown as Driver;
    const result = await dumpDatabase({
      home,
      db: "neo4j",
      outDir,
      runner: neo4jSimulator(),
      now,
      driverFactory: () => driver,
    });
    expect(result.stats).toEqual({ nodes: 3, relationships: 3, labels: {}, relationshipTypes: {} });
    expect(queries.at(-1)).toBe("RETURN 1");
    expect(closed).toBe(2);
  });
});

describe("utcStamp", () => {
  it("formats yyyymmddThhmmssZ in UTC", () => {
    expect(utcStamp(new Date("1999-12-31T23:59:59.999Z"))).toBe("19991231T235959Z");
  });
});
