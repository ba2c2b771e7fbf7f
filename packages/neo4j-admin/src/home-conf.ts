import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Neo4jInstallation } from "./installation.js";

/** What an installation's neo4j.conf says about where its server keeps data and listens. */
export interface HomeConf {
  /** Absolute data directory (`server.directories.data`, default `<home>/data`). */
  dataDir: string;
  /**
   * Absolute root of the transaction logs (`server.directories.transaction.logs.root`, default
   * `<data>/transactions`; relative to the data directory); a database's are in `<root>/<db>`.
   */
  transactionLogsRoot: string;
  /** The Bolt listen address as configured (`server.bolt.listen_address`), when set. */
  boltListenAddress?: string;
}

/**
 * Read `<confDir>/neo4j.conf` the way Neo4j does for the settings a restore must compare: the
 * last assignment wins, relative directories are relative to the home. A missing file means
 * Neo4j's defaults.
 */
export async function readHomeConf(inst: Neo4jInstallation): Promise<HomeConf> {
  const text = await readFile(join(inst.confDir, "neo4j.conf"), "utf8").catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return "";
      throw error;
    },
  );
  const settings = new Map<string, string>();
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const eq = trimmed.indexOf("=");
    if (eq > 0) settings.set(trimmed.slice(0, eq).trim(), trimmed.slice(eq + 1).trim());
  }
  const [data, bolt] =
    inst.version.family === "4"
      ? ["dbms.directories.data", "dbms.connector.bolt.listen_address"]
      : ["server.directories.data", "server.bolt.listen_address"];
  const boltListenAddress = settings.get(bolt);
  const dataDir = resolve(inst.home, settings.get(data) ?? "data");
  const txRoot = settings.get(`${data.split(".")[0]}.directories.transaction.logs.root`);
  return {
    dataDir,
    transactionLogsRoot: resolve(dataDir, txRoot ?? "transactions"),
    ...(boltListenAddress ? { boltListenAddress } : {}),
  };
}
