import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeInteg } from "@nbs/testenv";
import { afterAll, beforeAll, expect, it } from "vitest";
import { EPHEMERAL_MARKER, assertEphemeralHome } from "./ephemeral-home.js";
import { captureStats } from "./stats.js";
import { createEphemeralInstance } from "./ephemeral.js";
import { createSpawnRunner } from "./spawn-runner.js";
import { detectDumpFormat } from "./dump-format.js";
import { dumpDatabase } from "./dump-database.js";
import { locateNeo4j } from "./locate.js";
import type { DumpDatabaseResult } from "./dump-database.js";
import type { EphemeralInstance } from "./ephemeral.js";
import type { GraphStats } from "./stats.js";
import { integInstallDir } from "../test/integ-install.js";

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

  beforeAll(async () => {
    installDir = integInstallDir();
    workDir = await mkdtemp(join(tmpdir(), "nbs-neo4j-admin-integ-"));
    source = await createEphemeralInstance({ installDir, runner });
    await source.start();
    await source.query(
      "UNWIND range(1, 50) AS i CREATE (:Person {i: i})-[:KNOWS]->(:`Odd ``Label`` Name` {i: i}), (:Person {i: -i})",
    );
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

  it("captures stats through Cypher while online", () => {
    expect(seededStats).toEqual({
      nodes: 150,
      relationships: 50,
      labels: { "Odd `Label` Name": 50, Person: 100 },
      relationshipTypes: { KNOWS: 50 },
    });
  });

  it("dumps a running Community DBMS: stop, dump, restart", async () => {
    dumped = await dumpDatabase({
      home: source.home,
      db: "neo4j",
      outDir: workDir,
      runner,
      now: () => new Date("2026-01-02T03:04:05Z"),
      // dumpDatabase closes the drivers it asks for, so it gets its own each time.
      driverFactory: () => source.newDriver(),
    });
    expect(dumped.path).toBe(join(workDir, "neo4j-20260102T030405Z.dump"));
    expect(dumped.stats).toEqual(seededStats);
    // Idle: the store that was dumped holds the very transaction the counts were taken at.
    expect(dumped.counting).toEqual({
      exact: true,
      countedAtTx: expect.any(Number),
      dumpedAtTx: dumped.counting?.countedAtTx,
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

  it("loads the dump into an ephemeral instance, which passes the consistency check and has the same counts", async () => {
    target = await createEphemeralInstance({ installDir, runner });
    await target.load(dumped.path);
    await target.check();
    await target.start();
    expect(await captureStats(target.driver(), target.database)).toEqual(seededStats);
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
});
