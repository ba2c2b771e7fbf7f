import { existsSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { access, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeInteg } from "@nbs/testenv";
import neo4j from "neo4j-driver";
import { afterAll, beforeAll, expect, it } from "vitest";
import { EPHEMERAL_MARKER, assertEphemeralHome } from "./ephemeral-home.js";
import { captureStats } from "./stats.js";
import { createEphemeralInstance } from "./ephemeral.js";
import { createSpawnRunner } from "./spawn-runner.js";
import { detectDumpFormat } from "./dump-format.js";
import { dumpDatabase } from "./dump-database.js";
import { locateNeo4j } from "./locate.js";
import { findFreePort } from "./ports.js";
import type { ProcessRunner, RunResult } from "./runner.js";
import { storeTransactionId } from "./transaction-id.js";
import type { DumpDatabaseResult } from "./dump-database.js";
import type { EphemeralInstance } from "./ephemeral.js";
import type { GraphStats } from "@nbs/metadata";
import type { BoltConnection } from "./bolt.js";
import { integInstallDir } from "../test/integ-install.js";

/** Live processes whose command line names `dir` (a zombie's is empty). */
async function processesNaming(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (/^\d+$/.test(entry) && cmdline.includes(dir)) pids.push(Number(entry));
  }
  return pids;
}

// A real Neo4j (the cached 5.26 install): a seeded source instance is dumped by dumpDatabase,
// and the dump is loaded, checked and counted in a second ephemeral instance.
describeInteg("@nbs/neo4j-admin against a real Neo4j", () => {
  const runner = createSpawnRunner({ env: process.env });
  let installDir: string;
  let workDir: string;
  let source: EphemeralInstance;
  let target: EphemeralInstance | undefined;
  let dumped: DumpDatabaseResult;
  let seededStats: GraphStats;
  let bolt: BoltConnection | undefined;

  beforeAll(async () => {
    installDir = integInstallDir();
    workDir = await mkdtemp(join(tmpdir(), "nbs-neo4j-admin-integ-"));
    // The source's Bolt URI and password, as an operator would pass them to dumpDatabase.
    source = await createEphemeralInstance({
      installDir,
      runner,
      driverFactory: (uri, auth) => {
        bolt = { uri, user: auth.username, password: auth.password };
        return neo4j.driver(uri, neo4j.auth.basic(auth.username, auth.password), {
          disableLosslessIntegers: true,
        });
      },
    });
    await source.start();
    await source.query(
      "UNWIND range(1, 50) AS i CREATE (:Person {i: i})-[:KNOWS]->(:`Odd ``Label`` Name` {i: i}), (:Person {i: -i})",
    );
    await source.query("CREATE CONSTRAINT person_i FOR (p:Person) REQUIRE p.i IS UNIQUE");
    await source.query("CREATE INDEX knows_since FOR ()-[k:KNOWS]-() ON (k.since, k.weight)");
    seededStats = await captureStats(source.driver(), source.database);
  });

  afterAll(async () => {
    await target?.dispose();
    await source?.dispose();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it("detects the installation's version and edition", async () => {
    const inst = await locateNeo4j({ home: installDir, runner });
    expect(inst.version).toMatchObject({ major: 5, family: "5" });
    expect(inst.version.raw).toMatch(/^5\.26\./);
    expect(inst.edition).toBe("community");
  });

  it("captures counts and schema through Cypher while online", () => {
    expect(seededStats).toEqual({
      nodes: 150,
      relationships: 50,
      labels: { "Odd `Label` Name": 50, Person: 100 },
      relationship_types: { KNOWS: 50 },
      schema: {
        constraints: [
          {
            name: "person_i",
            type: "UNIQUENESS",
            entity_type: "NODE",
            labels_or_types: ["Person"],
            properties: ["i"],
          },
        ],
        indexes: expect.arrayContaining([
          {
            name: "knows_since",
            type: "RANGE",
            entity_type: "RELATIONSHIP",
            labels_or_types: ["KNOWS"],
            properties: ["since", "weight"],
          },
          {
            name: "person_i",
            type: "RANGE",
            entity_type: "NODE",
            labels_or_types: ["Person"],
            properties: ["i"],
            owning_constraint: "person_i",
          },
          // a fresh Neo4j 5 database has one token lookup index per entity type
          expect.objectContaining({ type: "LOOKUP", entity_type: "NODE", labels_or_types: [] }),
          expect.objectContaining({ type: "LOOKUP", entity_type: "RELATIONSHIP", properties: [] }),
        ]),
      },
    });
    expect(seededStats.schema?.indexes).toHaveLength(4);
  });

  it("dumps a running Community DBMS: stop, dump, restart", async () => {
    dumped = await dumpDatabase({
      home: source.home,
      db: "neo4j",
      outDir: workDir,
      runner,
      now: () => new Date("2026-01-02T03:04:05Z"),
      // dumpDatabase opens (and closes) its own drivers from the URI and credentials.
      bolt: bolt!,
    });
    expect(dumped.path).toBe(join(workDir, "neo4j-20260102T030405Z.dump"));
    // Idle: the store that was dumped holds the very transaction the counts were taken at.
    expect(dumped.stats).toEqual({
      ...seededStats,
      exact: true,
      counted_at_tx: expect.any(Number),
      dumped_at_tx: dumped.stats?.counted_at_tx,
    });
    expect(dumped.neo4j).toMatchObject({ edition: "community" });
    await access(dumped.path);
    // Back online after the restart.
    expect(await source.query("MATCH (n) RETURN count(n) AS c")).toEqual([{ c: 150 }]);
  });

  it("recognises the real dump by its header", async () => {
    expect(await detectDumpFormat(dumped.path)).toEqual({
      kind: "neo4j-5-dump",
      compression: "zstd",
      magic: "DZV1",
    });
  });

  it("loads the dump into an ephemeral instance, which passes the consistency check and has the same counts and schema (its first Bolt port was taken before the start: it started on new ports)", async () => {
    // Another process listens on the first port picked for the instance's Bolt, as happens when
    // one takes it between the pick and the server's bind.
    const taken = createServer();
    await new Promise<void>((ready) => taken.listen(0, "127.0.0.1", ready));
    const takenPort = (taken.address() as AddressInfo).port;
    let picks = 0;
    try {
      target = await createEphemeralInstance({
        installDir,
        runner,
        findPort: () => (picks++ === 0 ? Promise.resolve(takenPort) : findFreePort()),
      });
      expect(target.boltUri).toBe(`bolt://127.0.0.1:${takenPort}`);
      await target.load(dumped.path);
      await target.check();
      await target.start();
      expect(target.boltUri).not.toBe(`bolt://127.0.0.1:${takenPort}`);
      expect(picks).toBe(4); // bolt and http, twice
      expect(await captureStats(target.driver(), target.database)).toEqual(seededStats);
    } finally {
      taken.close();
    }
  });

  it("database info of a stopped store: the C1-only flags reach both JVMs, beside the operator's JAVA_OPTS", async () => {
    await target!.stop();
    // An operator's own JAVA_OPTS, here one that makes each JVM print the flags it was given.
    const javaOpts = `${process.env["JAVA_OPTS"] ?? ""} -XX:+PrintCommandLineFlags`.trim();
    const spawned = createSpawnRunner({ env: { ...process.env, JAVA_OPTS: javaOpts } });
    const seen: RunResult[] = [];
    const recording: ProcessRunner = {
      run: async (file, args, options) => {
        const result = await spawned.run(file, args, options);
        seen.push(result);
        return result;
      },
    };
    const tx = await storeTransactionId(recording, target!.installation, "neo4j", {
      timeoutMs: 300_000,
    });
    expect(tx).toEqual(expect.any(Number));
    const { stdout, stderr } = seen[0]!;
    // The bootloader and the tool JVM it spawns each took them...
    const picked = "Picked up JDK_JAVA_OPTIONS: -XX:TieredStopAtLevel=1";
    expect(stderr.split("\n").filter((line) => line.includes(picked))).toHaveLength(2);
    // ...and each runs with the operator's flags too.
    const flags = stdout.split("\n").filter((line) => line.includes("-XX:+PrintCommandLineFlags"));
    expect(flags).toHaveLength(2);
    for (const line of flags) expect(line).toContain("-XX:TieredStopAtLevel=1");
  });

  it("refuses to load into a directory that is not its own ephemeral home", async () => {
    const instance = target!;
    await instance.stop();
    await expect(assertEphemeralHome(installDir, "x")).rejects.toMatchObject({
      code: "NOT_EPHEMERAL_HOME",
    });
    const marker = join(instance.home, EPHEMERAL_MARKER);
    await writeFile(marker, "someone-else\n");
    await expect(instance.load(dumped.path)).rejects.toMatchObject({
      code: "NOT_EPHEMERAL_HOME",
    });
    await expect(instance.dispose()).rejects.toMatchObject({ code: "NOT_EPHEMERAL_HOME" });
    await access(instance.home); // nothing deleted
    await rm(instance.home, { recursive: true, force: true });
    target = undefined;
  });

  // The last test: it disposes the source, which is running (dumpDatabase started it again),
  // instead of loading and starting a third instance only to dispose it.
  it("dispose of a running instance leaves no process of it behind and deletes its home", async () => {
    const instance = source;
    try {
      expect(await source.query("RETURN 1 AS one")).toEqual([{ one: 1 }]); // running
      const pid = Number((await readFile(join(instance.home, "run", "neo4j.pid"), "utf8")).trim());
      expect(await processesNaming(instance.home)).toContain(pid);
    } finally {
      await instance.dispose();
    }
    expect(existsSync(instance.home)).toBe(false);
    expect(await processesNaming(instance.home)).toEqual([]);
  });
});
