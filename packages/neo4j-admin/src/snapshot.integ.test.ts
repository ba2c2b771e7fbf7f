import { constants, copyFileSync, writeFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describeInteg } from "@nbs/testenv";
import neo4j, { type Driver } from "neo4j-driver";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { BoltConnection } from "./bolt.js";
import { dumpDatabase } from "./dump-database.js";
import type { DumpStepTiming } from "./dump-timing.js";
import { createEphemeralInstance, type EphemeralInstance } from "./ephemeral.js";
import type { ProcessRunner } from "./runner.js";
import { createSpawnRunner } from "./spawn-runner.js";
import { integInstallDir } from "../test/integ-install.js";

/** Probes Bolt every 50 ms from the test's side: when did the server answer, when not. */
function watchBolt(driver: Driver) {
  const answers: number[] = [];
  const failures: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const session = driver.session({ database: "neo4j" });
      const at = Date.now();
      await session.run("RETURN 1").then(
        () => answers.push(Date.now()),
        () => failures.push(at),
      );
      void session.close().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    /** The first answer after the first failure (the server came back), if any. */
    backAt: () => answers.find((t) => failures.length > 0 && t > failures[0]!),
    failures,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

// A real Neo4j of its own, stopped and started by each dump: the downtime measured in dump and
// snapshot mode, the snapshot's dump loaded elsewhere, and the snapshot's failure paths.
describeInteg("dump downtime and snapshot mode against a real Neo4j", () => {
  const runner = createSpawnRunner({ env: process.env });
  let source: EphemeralInstance;
  let bolt: BoltConnection | undefined;
  let workDir: string;
  let watcher: Driver;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), "nbs-snapshot-integ-"));
    source = await createEphemeralInstance({
      installDir: integInstallDir(),
      runner,
      driverFactory: (uri, auth) => {
        bolt = { uri, user: auth.username, password: auth.password };
        return neo4j.driver(uri, neo4j.auth.basic(auth.username, auth.password), {
          disableLosslessIntegers: true,
        });
      },
    });
    await source.start();
    await source.query("UNWIND range(1, 200) AS i CREATE (:P {i: i})-[:R]->(:Q {i: i})");
    watcher = source.newDriver();
  });

  afterAll(async () => {
    await watcher?.close();
    await source?.dispose();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  const dumpOf = async (outDir: string, extra: Partial<Parameters<typeof dumpDatabase>[0]>) => {
    const watch = watchBolt(watcher);
    try {
      const result = await dumpDatabase({
        home: source.home,
        db: "neo4j",
        outDir,
        runner,
        now: () => new Date(),
        bolt: bolt!,
        ...extra,
      });
      return { result, watch };
    } finally {
      await watch.stop();
    }
  };

  it("dump mode: records the downtime, and the server answers again only after the dump was written", async () => {
    const outDir = await mkdtemp(join(workDir, "out-"));
    const commands: string[] = [];
    const recording: ProcessRunner = {
      run: (file, args, options) => {
        commands.push(`${basename(file)} ${args[0]}`);
        return runner.run(file, args, options);
      },
    };
    const steps: DumpStepTiming[] = [];
    const { result, watch } = await dumpOf(outDir, {
      runner: recording,
      onStep: (timing) => steps.push(timing),
    });
    expect(result.downtimeMs).toBeGreaterThan(0);
    const written = (await stat(result.path)).mtimeMs;
    expect(watch.backAt()).toBeGreaterThan(written);
    // The running server is known from its process: no `neo4j status` JVM before the stop.
    expect(commands).toEqual([
      "neo4j stop",
      "neo4j-admin database",
      "neo4j-admin database",
      "neo4j start",
    ]);
    expect(steps.map((t) => [t.step, t.ok])).toEqual([
      ["status", true],
      ["count", true],
      ["stop", true],
      ["info", true],
      ["dump", true],
      ["start", true],
      ["bolt", true],
    ]);
  });

  it("snapshot mode: the server answers again before the dump is written; the dump restores the same counts; the copy is gone", async () => {
    const outDir = await mkdtemp(join(workDir, "out-"));
    const staging = await mkdtemp(join(workDir, "staging-"));
    const copies: DumpStepTiming[] = [];
    const { result, watch } = await dumpOf(outDir, {
      snapshot: { mode: "auto", stagingDir: staging },
      onStep: (timing) => {
        if (timing.step === "copy") copies.push(timing);
      },
    });
    // `auto` clones where this filesystem can (XFS, btrfs) and copies elsewhere, and says which.
    writeFileSync(join(staging, "probe"), "x");
    const clones = (() => {
      try {
        copyFileSync(
          join(staging, "probe"),
          join(staging, "clone"),
          constants.COPYFILE_FICLONE_FORCE,
        );
        return true;
      } catch {
        return false;
      }
    })();
    await rm(join(staging, "probe"), { force: true });
    await rm(join(staging, "clone"), { force: true });
    expect(copies).toMatchObject([{ ok: true, detail: { method: clones ? "reflink" : "copy" } }]);
    expect(result.downtimeMs).toBeGreaterThan(0);
    const written = (await stat(result.path)).mtimeMs;
    expect(watch.backAt()).toBeLessThan(written);
    expect(await readdir(staging)).toEqual([]);
    expect(result.stats).toMatchObject({ nodes: 400, relationships: 200, exact: true });

    const target = await createEphemeralInstance({ installDir: integInstallDir(), runner });
    try {
      await target.load(result.path);
      await target.start();
      const [counts] = await target.query(
        "MATCH (n) WITH count(n) AS nodes MATCH ()-[r]->() RETURN nodes, count(r) AS rels",
      );
      expect(counts).toEqual({ nodes: 400, rels: 200 });
    } finally {
      await target.dispose();
    }
  });

  it("snapshot mode: a dump of the copy that fails leaves no copy and the server running", async () => {
    const outDir = await mkdtemp(join(workDir, "out-"));
    const staging = await mkdtemp(join(workDir, "staging-"));
    // The dump of the copy (its NEO4J_CONF lies in the staging directory) fails.
    const failing: ProcessRunner = {
      run: (file, args, options) =>
        args[1] === "dump" && options?.env?.["NEO4J_CONF"]?.startsWith(staging)
          ? Promise.resolve({ exitCode: 1, stdout: "", stderr: "injected", timedOut: false })
          : runner.run(file, args, options),
    };
    await expect(
      dumpOf(outDir, { runner: failing, snapshot: { mode: "copy", stagingDir: staging } }),
    ).rejects.toMatchObject({ code: "NEO4J_COMMAND_FAILED" });
    expect(await readdir(staging)).toEqual([]);
    expect(await readdir(outDir)).toEqual([]);
    expect(await source.query("RETURN 1 AS one")).toEqual([{ one: 1 }]);
  });

  it("snapshot mode: refused before the stop when the staging directory lacks the space", async () => {
    const outDir = await mkdtemp(join(workDir, "out-"));
    const staging = await mkdtemp(join(workDir, "staging-"));
    const pid = await readFile(join(source.home, "run", "neo4j.pid"), "utf8");
    const { watch, error } = await (async () => {
      const watch = watchBolt(watcher);
      const error = await dumpDatabase({
        home: source.home,
        db: "neo4j",
        outDir,
        runner,
        now: () => new Date(),
        bolt: bolt!,
        snapshot: { mode: "copy", stagingDir: staging, marginBytes: Number.MAX_SAFE_INTEGER },
      }).catch((e: unknown) => e);
      await watch.stop();
      return { watch, error };
    })();
    expect(error).toMatchObject({ code: "SNAPSHOT_DISK_SPACE_LOW" });
    expect((error as Error).message).toMatch(/has \d+ MiB free; the copy of neo4j needs \d+ MiB/);
    // Never stopped: the same server process, and no probe went unanswered.
    expect(await readFile(join(source.home, "run", "neo4j.pid"), "utf8")).toBe(pid);
    expect(watch.failures).toEqual([]);
    expect(await readdir(staging)).toEqual([]);
  });
});
