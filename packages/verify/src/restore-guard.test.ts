import { parseBackupMeta } from "@nbs/metadata";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { proofInstance } from "../test/restore-doubles.js";
import {
  DUMP as dump,
  fakeDriver,
  fakeNeo4jInstall,
  fakeOperatorServer,
  localBackup as backupFile,
  type FakeServerOptions,
  sha256 as sha,
} from "@nbs/testenv/doubles";
import { restoreToServer, type RestoreServerOptions } from "./index.js";

// The guards of `restoreToServer` before and around the stop: same server, same database,
// loadable version, free space, valid name, and the safety copy. Neo4j is faked here; the
// same cases against a real Neo4j are in apps/verify-cli/test/restore-guard.integ.test.ts.

const previous = Buffer.concat([dump, Buffer.from("the data being replaced")]);

const temps: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const fakeInstall = () => fakeNeo4jInstall({ conf: "server.bolt.listen_address=:7999\n" });
/** A local backup of Neo4j 5.26.30 whose sidecar has `extra`. */
const localBackup = (extra: Record<string, unknown> = {}) =>
  backupFile({ meta: { neo4j: { version: "5.26.30" }, ...extra } });

/** The operator's server; `neo4j-admin database dump` writes `previous` to `<to-path>/<db>.dump`. */
const fakeServer = (options: FakeServerOptions = {}) =>
  fakeOperatorServer({ dumpBytes: previous, ...options });

/** A Bolt connection to a server at `home` whose graph holds 5 nodes and 4 relationships. */
function served(
  reported: { home?: string; data?: string },
  answersWhenDown = false,
): RestoreServerOptions["connect"] {
  const answer = ({ cypher }: { cypher: string }): Record<string, unknown>[] => {
    if (cypher.startsWith("SHOW SETTINGS"))
      return [
        ...(reported.home ? [{ name: "server.directories.neo4j_home", value: reported.home }] : []),
        ...(reported.data ? [{ name: "server.directories.data", value: reported.data }] : []),
      ];
    if (cypher.startsWith("SHOW DATABASE")) return [{ currentStatus: "online" }];
    if (
      cypher.includes("db.labels") ||
      cypher.includes("db.relationshipTypes") ||
      cypher.startsWith("SHOW ")
    )
      return [];
    if (cypher.includes("count(n)")) return [{ c: 5 }];
    if (cypher.includes("count(r)")) return [{ c: 4 }];
    return [{ c: 1 }];
  };
  // waitForBolt's probe after the start (a plain query in a session) is answered the same way.
  return () =>
    Object.assign(fakeDriver(answer).driver, {
      verifyConnectivity: () =>
        answersWhenDown
          ? Promise.resolve({})
          : Promise.reject(Object.assign(new Error("refused"), { code: "ServiceUnavailable" })),
    });
}

function options(over: Partial<RestoreServerOptions> = {}) {
  const neo4jHome = over.neo4jHome ?? fakeInstall();
  const events: Array<[string, Record<string, unknown>]> = [];
  const safetyDir = temp("nbs-safety-");
  const o: RestoreServerOptions & { workDir: string } = {
    source: { kind: "file", path: localBackup() },
    runner: fakeServer(),
    connect: served({ home: neo4jHome }),
    neo4jUri: "bolt://127.0.0.1:7999",
    database: "neo4j",
    force: true,
    safetyCopy: { dir: safetyDir, tool: { name: "nbs-verify restore", version: "0.0.0" } },
    workDir: temp("nbs-restore-work-"),
    proofInstance: proofInstance(),
    onEvent: (event, fields) => events.push([event, fields]),
    ...over,
    neo4jHome,
  };
  return { o, events, safetyDir };
}

const stepsOf = (o: RestoreServerOptions) => (o.runner as ReturnType<typeof fakeServer>).steps;

describe("restoreToServer: the same server", () => {
  it("refuses, before anything is stopped, a URI served by another installation (exit 2, both named)", async () => {
    const { o } = options({
      connect: served({ home: "/opt/other-neo4j", data: "/opt/other-neo4j/data" }),
    });
    const error = await restoreToServer(o).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "RESTORE_SERVER_MISMATCH", category: "USAGE" });
    expect((error as Error).message).toContain("/opt/other-neo4j");
    expect((error as Error).message).toContain(o.neo4jHome);
    expect((error as Error).message).toContain("bolt://127.0.0.1:7999");
    expect(stepsOf(o)).toEqual(["neo4j status"]);
  });

  it("accepts a server that reports the data directory the home's neo4j.conf configures", async () => {
    const home = fakeInstall();
    const { o } = options({
      neo4jHome: home,
      connect: served({ home: "/elsewhere", data: join(home, "data") }),
    });
    const report = await restoreToServer(o);
    expect(report.target.server).toMatchObject({
      proven_by: "data_dir",
      data_dir: join(home, "data"),
    });
  });

  it("refuses when the home's server is down but something answers at the URI", async () => {
    const { o } = options({
      runner: fakeServer({ running: false }),
      connect: served({}, true),
    });
    await expect(restoreToServer(o)).rejects.toMatchObject({ code: "RESTORE_SERVER_MISMATCH" });
    expect(stepsOf(o)).toEqual(["neo4j status"]);
  });

  it("refuses a server that will not say where it lives (not an admin user)", async () => {
    const { o } = options({ connect: served({}) });
    await expect(restoreToServer(o)).rejects.toMatchObject({ code: "RESTORE_SERVER_UNPROVEN" });
    expect(stepsOf(o)).toEqual(["neo4j status"]);
  });
});

describe("restoreToServer: the same database, a loadable dump, room, a valid name", () => {
  it("refuses a backup of another database unless --as-db says so", async () => {
    const source = { kind: "file" as const, path: localBackup({ db_name: "movies" }) };
    const { o } = options({ source });
    const error = await restoreToServer(o).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "RESTORE_DB_MISMATCH", category: "USAGE" });
    expect((error as { hint: string }).hint).toContain("--as-db neo4j");
    expect(stepsOf(o)).toEqual([]);

    const renamed = options({ source, backupDatabase: "movies" }).o;
    const report = await restoreToServer(renamed);
    expect(report.preflight.database).toEqual({ target: "neo4j", backup: "movies", renamed: true });
  });

  it("refuses a dump of a newer Neo4j (2025.x into 5.26) before anything is stopped", async () => {
    const source = {
      kind: "file" as const,
      path: localBackup({ neo4j: { version: "2025.10.0" } }),
    };
    const { o } = options({ source });
    await expect(restoreToServer(o)).rejects.toMatchObject({
      code: "RESTORE_VERSION_INCOMPATIBLE",
      category: "USAGE",
    });
    expect(stepsOf(o)).toEqual([]);
    const older = { kind: "file" as const, path: localBackup({ neo4j: { version: "5.20.0" } }) };
    const report = await restoreToServer(options({ source: older }).o);
    expect(report.preflight.version).toEqual({
      dump: "5.20.0",
      target: "5.26.30",
      loadable: "yes",
    });
  });

  it("refuses when the data directory has less than 3x the dump free", async () => {
    const asked: string[] = [];
    const freeBytes = (dir: string) => {
      asked.push(dir);
      return Promise.resolve(dump.length * 3 - 1);
    };
    const { o } = options({ freeBytes });
    await expect(restoreToServer(o)).rejects.toMatchObject({
      code: "RESTORE_DISK_SPACE_LOW",
      category: "INPUT",
    });
    expect(asked).toEqual([join(o.neo4jHome, "data")]);
    expect(stepsOf(o)).toEqual([]);
    const roomy = options({ freeBytes: () => Promise.resolve(dump.length * 3) }).o;
    expect((await restoreToServer(roomy)).preflight.space).toMatchObject({
      needed_bytes: dump.length * 3,
      factor: 3,
    });
  });

  it.each(["ab", "1db", "system2", "my_db", "old.backup", "a".repeat(64)])(
    "refuses the database name %j Neo4j would reject",
    async (name) => {
      const { o } = options({ database: name, backupDatabase: "neo4j" });
      await expect(restoreToServer(o)).rejects.toMatchObject({ code: "RESTORE_DB_NAME_INVALID" });
      expect(stepsOf(o)).toEqual([]);
    },
  );
});

describe("restoreToServer: the safety copy", () => {
  it("dumps the data being replaced, with its sidecar, before the load, and names it in the report", async () => {
    const { o, safetyDir } = options();
    const report = await restoreToServer(o);
    expect(stepsOf(o).slice(2)).toEqual([
      "neo4j stop",
      "neo4j-admin database dump",
      "neo4j-admin database load",
      "neo4j start",
    ]);
    expect(report.safety_copy).toMatchObject({
      status: "made",
      dir: safetyDir,
      sha256: sha(previous),
    });
    const copy = report.safety_copy as { file: string; sidecar: string };
    expect(copy.file.startsWith(safetyDir)).toBe(true);
    expect(readFileSync(copy.file)).toEqual(previous);
    const meta = parseBackupMeta(readFileSync(copy.sidecar, "utf8"));
    expect(meta).toMatchObject({
      ok: true,
      value: { db_name: "neo4j", sha256: sha(previous), size: previous.length },
    });
  });

  it("loads the safety copy back when the load fails, so Neo4j starts with its previous data", async () => {
    const { o, events } = options({ runner: fakeServer({ failLoads: 1 }) });
    const error = await restoreToServer(o).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "RESTORE_LOAD_FAILED", category: "NEO4J" });
    expect((error as Error).message).toMatch(
      /started again with its previous data \(loaded back from .*neo4j\.dump\)/,
    );
    expect(stepsOf(o).slice(2)).toEqual([
      "neo4j stop",
      "neo4j-admin database dump",
      "neo4j-admin database load",
      "neo4j-admin database load",
      "neo4j start",
    ]);
    expect(events.map(([e]) => e)).toContain("restore.safety-copy.load-back");
  });

  it("names the safety copy when loading it back fails too (the database may be empty)", async () => {
    const { o } = options({ runner: fakeServer({ failLoads: 2 }) });
    const error = (await restoreToServer(o).catch((e: unknown) => e)) as { hint: string };
    expect(error).toMatchObject({ code: "RESTORE_LOAD_FAILED" });
    expect(error.hint).toMatch(/may now be empty.*safety copy .*neo4j\.dump/);
  });

  it("loads nothing when the safety copy cannot be made, and starts Neo4j again", async () => {
    const { o } = options({ runner: fakeServer({ failDump: true }) });
    await expect(restoreToServer(o)).rejects.toMatchObject({
      code: "RESTORE_SAFETY_COPY_FAILED",
      category: "NEO4J",
    });
    expect(stepsOf(o).slice(2)).toEqual(["neo4j stop", "neo4j-admin database dump", "neo4j start"]);
  });

  it("makes a safety copy of a stopped server's database that has a store (--force)", async () => {
    const home = fakeInstall();
    mkdirSync(join(home, "data", "databases", "neo4j"), { recursive: true });
    const { o } = options({ neo4jHome: home, runner: fakeServer({ running: false }) });
    const report = await restoreToServer(o);
    expect(report.safety_copy).toMatchObject({ status: "made", sha256: sha(previous) });
    expect(stepsOf(o).slice(2)).toEqual([
      "neo4j-admin database dump",
      "neo4j-admin database load",
      "neo4j start",
    ]);
  });

  it("needs no safety copy for a stopped server's database that has no store", async () => {
    const { o } = options({ runner: fakeServer({ running: false }) });
    const report = await restoreToServer(o);
    expect(report.safety_copy).toEqual({ status: "not-needed" });
    expect(stepsOf(o)).not.toContain("neo4j-admin database dump");
  });

  it("--no-safety-copy replaces the data without a copy, with a warning", async () => {
    const { o, events } = options({ safetyCopy: false });
    const report = await restoreToServer(o);
    expect(report.safety_copy).toEqual({ status: "skipped" });
    expect(stepsOf(o)).not.toContain("neo4j-admin database dump");
    expect(events.map(([e]) => e)).toContain("restore.safety-copy.skipped");
  });

  it("--dry-run shows the preflight and the planned copy; nothing stopped", async () => {
    const { o, safetyDir } = options({ dryRun: true });
    const report = await restoreToServer(o);
    expect(report).toMatchObject({
      outcome: "dry-run",
      target: { server: { proven_by: "neo4j_home", uri: "bolt://127.0.0.1:7999" } },
      preflight: { version: { loadable: "yes" }, space: { factor: 3 } },
      safety_copy: { status: "planned", dir: safetyDir },
    });
    expect(report.plan?.join("\n")).toContain(`safety copy under ${safetyDir}`);
    expect(stepsOf(o)).toEqual(["neo4j status"]);
  });
});
