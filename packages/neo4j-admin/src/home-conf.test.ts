import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readHomeConf } from "./home-conf.js";
import type { Neo4jInstallation } from "./installation.js";
import { parseNeo4jVersion } from "./version.js";

const homes: string[] = [];
afterEach(() => homes.splice(0).forEach((h) => rmSync(h, { recursive: true, force: true })));

function installation(conf: string | undefined, version = "5.26.30"): Neo4jInstallation {
  const home = mkdtempSync(join(tmpdir(), "nbs-home-conf-"));
  homes.push(home);
  mkdirSync(join(home, "conf"));
  if (conf !== undefined) writeFileSync(join(home, "conf", "neo4j.conf"), conf);
  return {
    home,
    confDir: join(home, "conf"),
    version: parseNeo4jVersion(version),
    edition: "community",
  };
}

describe("readHomeConf", () => {
  it("takes the last assignment, ignores comments, and resolves a relative data directory against the home", async () => {
    const inst = installation(
      "#server.directories.data=/commented\nserver.directories.data=/first\nserver.directories.data = store\nserver.bolt.listen_address=:7688\n",
    );
    expect(await readHomeConf(inst)).toEqual({
      dataDir: join(inst.home, "store"),
      transactionLogsRoot: join(inst.home, "store", "transactions"),
      boltListenAddress: ":7688",
    });
  });

  it("uses Neo4j's default <home>/data without a neo4j.conf", async () => {
    const inst = installation(undefined);
    expect(await readHomeConf(inst)).toEqual({
      dataDir: join(inst.home, "data"),
      transactionLogsRoot: join(inst.home, "data", "transactions"),
    });
  });

  it("reads the 4.x setting names on 4.x", async () => {
    const inst = installation(
      "dbms.directories.data=/var/lib/neo4j/data\nserver.directories.data=/no\n",
      "4.4.44",
    );
    expect((await readHomeConf(inst)).dataDir).toBe("/var/lib/neo4j/data");
  });

  it("resolves a relative transaction-logs root against the data directory, an absolute one as is", async () => {
    const relative = installation(
      "server.directories.data=/srv/neo4j\nserver.directories.transaction.logs.root=tx\n",
    );
    expect((await readHomeConf(relative)).transactionLogsRoot).toBe("/srv/neo4j/tx");
    const absolute = installation("server.directories.transaction.logs.root=/fast/tx\n");
    expect((await readHomeConf(absolute)).transactionLogsRoot).toBe("/fast/tx");
  });
});
