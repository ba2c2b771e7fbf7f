import { join } from "node:path";
import type { CommandFamily } from "./version.js";

export interface EphemeralConfInput {
  home: string;
  boltPort: number;
  httpPort: number;
  /** The database Neo4j creates and serves by default. */
  database: string;
}

/**
 * neo4j.conf for a throwaway instance: loopback only, its own directories under `home`, small
 * memory. Setting names differ between 4.x (`dbms.*`) and 5.x+ (`server.*`).
 */
export function renderEphemeralConf(family: CommandFamily, input: EphemeralConfInput): string {
  const dir = (name: string): string => join(input.home, name);
  const p = family === "4" ? "dbms" : "server";
  const connector = family === "4" ? "dbms.connector" : "server";
  const lines = [
    "# Written by @nbs/neo4j-admin for an ephemeral instance; deleted with it.",
    `${p}.default_listen_address=127.0.0.1`,
    `${p}.default_advertised_address=127.0.0.1`,
    `${connector}.bolt.listen_address=127.0.0.1:${input.boltPort}`,
    `${connector}.http.listen_address=127.0.0.1:${input.httpPort}`,
    `${connector}.https.enabled=false`,
    // Only Bolt is used: no HTTP server to start (Jetty and its handlers cost CPU on every start).
    `${connector}.http.enabled=false`,
    "dbms.security.auth_enabled=true",
    `${family === "4" ? "dbms.default_database" : "initial.dbms.default_database"}=${input.database}`,
    `${p}.directories.data=${dir("data")}`,
    `${p}.directories.logs=${dir("logs")}`,
    `${p}.directories.run=${dir("run")}`,
    `${p}.directories.import=${dir("import")}`,
    `${p}.directories.plugins=${dir("plugins")}`,
    `${p}.memory.heap.initial_size=256m`,
    `${p}.memory.heap.max_size=512m`,
    `${p}.memory.pagecache.size=64m`,
    // A store that lives for one load: no transaction log space reserved ahead of writes.
    `${family === "4" ? "dbms" : "db"}.tx_log.preallocate=false`,
  ];
  // A throwaway instance reports nothing home (4.x has no such setting under this name).
  if (family !== "4") lines.push("dbms.usage_report.enabled=false");
  return `${lines.join("\n")}\n`;
}
