import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import {
  createEphemeralNeo4j,
  describeInteg,
  getNeo4jTestEnv,
  type EphemeralNeo4j,
} from "../src/index.ts";

async function countNodes(db: EphemeralNeo4j, label: string): Promise<number> {
  const driver = db.driver();
  try {
    const { records } = await driver.executeQuery(`MATCH (n:${label}) RETURN count(n) AS c`);
    return Number(records[0]!.get("c"));
  } finally {
    await driver.close();
  }
}

/** Running, not a zombie waiting for this process to reap it. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

describeInteg("Neo4j test env (real Neo4j)", () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it("answers Bolt queries on the service instance", async () => {
    const env = await getNeo4jTestEnv();
    // NBS_TESTENV=containers (the Testcontainers leg): a Neo4j container, no local home
    if (process.env["NBS_TESTENV"] === "containers") {
      expect(env.mode).toBe("testcontainers");
      expect(env.home).toBeUndefined();
    }
    const driver = env.driver();
    try {
      const { records } = await driver.executeQuery("RETURN 40 + 2 AS answer");
      expect(Number(records[0]!.get("answer"))).toBe(42);
    } finally {
      await driver.close();
    }
  });

  it("round-trips a graph through neo4j-admin dump and load into fresh homes (the target's first Bolt port taken before its start: it starts on new ports)", async () => {
    const source = await createEphemeralNeo4j();
    cleanup.push(() => source.remove());
    await source.start();
    const driver = source.driver();
    try {
      await driver.executeQuery("UNWIND range(1, 25) AS i CREATE (:Probe {i: i})");
    } finally {
      await driver.close();
    }
    expect(await countNodes(source, "Probe")).toBe(25);
    await source.stop();

    const dumpDir = await mkdtemp(join(tmpdir(), "nbs-dump-"));
    cleanup.push(() => rm(dumpDir, { recursive: true, force: true }));
    await source.admin(["database", "dump", "neo4j", `--to-path=${dumpDir}`]);
    expect(await readdir(dumpDir)).toEqual(["neo4j.dump"]);

    // Another process listens on the first port picked for the target's Bolt, as happens when
    // one takes it between the pick and the server's bind.
    const taken = createServer();
    await new Promise<void>((ready) => taken.listen(0, "127.0.0.1", ready));
    cleanup.push(() => new Promise<void>((closed) => taken.close(() => closed())));
    const takenPort = (taken.address() as AddressInfo).port;
    let picks = 0;
    const target = await createEphemeralNeo4j({
      pickPort: () => (picks++ === 0 ? Promise.resolve(takenPort) : freePort()),
    });
    cleanup.push(() => target.remove());
    expect(target.uri).toBe(`bolt://127.0.0.1:${takenPort}`);
    await target.admin([
      "database",
      "load",
      `--from-path=${dumpDir}`,
      "neo4j",
      "--overwrite-destination",
    ]);
    await target.start();
    expect(target.uri).not.toBe(`bolt://127.0.0.1:${takenPort}`);
    expect(picks).toBe(4); // bolt and http, twice
    expect(await countNodes(target, "Probe")).toBe(25);
  });

  /** A port free a moment ago on 127.0.0.1. */
  function freePort(): Promise<number> {
    const server = createServer();
    return new Promise((resolve) =>
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      }),
    );
  }

  // A CLI under test (restore-set, backup.sh, restore) starts Neo4j in the home on its own, after
  // the test's stop(): remove() must stop that server too, or it runs on in a deleted home. A
  // process standing in for it (no JVM needed: what remove() reads is `run/neo4j.pid`).
  it("remove() stops a server it did not start (named in run/neo4j.pid) before deleting the home", async () => {
    const db = await createEphemeralNeo4j();
    cleanup.push(() => db.remove());
    // A stand-in whose command line names the home, as a Neo4j server's does (no JVM needed).
    const server = spawn(
      process.execPath,
      [
        "-e",
        "setInterval(() => {}, 1000)",
        "org.neo4j.server.CommunityEntryPoint",
        `--home-dir=${db.home}`,
      ],
      { stdio: "ignore" },
    );
    cleanup.push(() => {
      server.kill("SIGKILL");
      return Promise.resolve();
    });
    await mkdir(join(db.home, "run"), { recursive: true });
    await writeFile(join(db.home, "run", "neo4j.pid"), `${server.pid}\n`);
    expect(running(server.pid!)).toBe(true);

    await db.remove();
    expect(running(server.pid!)).toBe(false);
    expect(existsSync(db.home)).toBe(false);
  });

  it("remove() leaves alone a process that only has the stale pid file's pid", async () => {
    const db = await createEphemeralNeo4j();
    cleanup.push(() => db.remove());
    const other = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], {
      stdio: "ignore",
    });
    cleanup.push(() => {
      other.kill("SIGKILL");
      return Promise.resolve();
    });
    await mkdir(join(db.home, "run"), { recursive: true });
    await writeFile(join(db.home, "run", "neo4j.pid"), `${other.pid}\n`);

    await db.remove();
    expect(running(other.pid!)).toBe(true);
    expect(existsSync(db.home)).toBe(false);
  });
});
