import { describe, expect, it } from "vitest";
import { dumpDatabaseSet } from "./dump-set.js";
import { basename, fakeInstall, fakeRunner, type RecordedRun } from "../test/fakes.js";

const now = () => new Date("2026-03-04T05:06:07.890Z");

/** A running server: `neo4j` status/stop/start, and a store-info per database. */
function server(options: { startFails?: boolean } = {}) {
  let running = true;
  const log: string[] = [];
  const runner = fakeRunner(({ file, args }: RecordedRun) => {
    if (args[0] === "--version") return { stdout: "5.26.30\n" };
    if (basename(file) === "neo4j") {
      if (args[0] === "status") return { exitCode: running ? 0 : 3 };
      log.push(`neo4j ${args[0]}`);
      if (args[0] === "start" && options.startFails) return { exitCode: 1, stderr: "port in use" };
      running = args[0] === "start";
    }
    return {};
  });
  return { runner, log, running: () => running };
}

describe("dumpDatabaseSet", () => {
  it("stops once, dumps every database in order inside the window, starts once", async () => {
    const s = server();
    const result = await dumpDatabaseSet({
      home: fakeInstall(),
      dbs: ["system", "neo4j", "sales"],
      runner: s.runner,
      now,
      dumpMember: ({ db }) => {
        s.log.push(`dump ${db} (${s.running() ? "running" : "stopped"})`);
        return Promise.resolve(db.toUpperCase());
      },
    });
    expect(s.log).toEqual([
      "neo4j stop",
      "dump system (stopped)",
      "dump neo4j (stopped)",
      "dump sales (stopped)",
      "neo4j start",
    ]);
    expect(result.members.map((m) => m.dumped)).toEqual(["SYSTEM", "NEO4J", "SALES"]);
    expect(result.createdAt).toBe("2026-03-04T05:06:07.890Z");
  });

  it("a failed member ends the window: the rest are not dumped, the server is started, the failure thrown", async () => {
    const s = server();
    const error = await dumpDatabaseSet({
      home: fakeInstall(),
      dbs: ["system", "neo4j", "sales"],
      runner: s.runner,
      now,
      dumpMember: ({ db }) => {
        s.log.push(`dump ${db}`);
        return db === "neo4j" ? Promise.reject(new Error("disk full")) : Promise.resolve(db);
      },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe("disk full");
    expect(s.log).toEqual(["neo4j stop", "dump system", "dump neo4j", "neo4j start"]);
    expect(s.running()).toBe(true);
  });

  it("a start that fails after the window is NEO4J_NOT_RESTARTED naming how to start it, also after a failed member", async () => {
    const s = server({ startFails: true });
    const error = await dumpDatabaseSet({
      home: fakeInstall(),
      dbs: ["system", "neo4j"],
      runner: s.runner,
      now,
      dumpMember: ({ db }) =>
        db === "neo4j" ? Promise.reject(new Error("boom")) : Promise.resolve(db),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "NEO4J_NOT_RESTARTED",
      message: "the dump of neo4j failed (boom) and Neo4j did not restart",
      hint: expect.stringContaining("bin/neo4j start"),
    });
  });

  it("a server that was not running is dumped as is and left stopped", async () => {
    const s = server();
    await s.runner.run("neo4j", ["stop"]);
    s.log.length = 0;
    await dumpDatabaseSet({
      home: fakeInstall(),
      dbs: ["system", "neo4j"],
      runner: s.runner,
      now,
      dumpMember: ({ db }) => Promise.resolve(db),
    });
    expect(s.log).toEqual([]);
  });
});
