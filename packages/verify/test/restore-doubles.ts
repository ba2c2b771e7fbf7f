import type { ProcessRunner, RunResult, ServerProcesses } from "@nbs/neo4j-admin";
import { fakeDriver } from "@nbs/testenv/doubles";
import type { RestoreServerOptions } from "../src/index.js";

// Test doubles shared by the restore unit tests: a Bolt connection to a graph of given counts
// (and one whose server reports its home, for the same-server proof), and the private ephemeral
// Neo4j the dump is proven in before the operator's server is stopped.

/**
 * A Bolt connection whose graph holds `nodes` nodes and `relationships` relationships, and the
 * rows SHOW INDEXES / SHOW CONSTRAINTS give (as Neo4j names the columns).
 */
export function graph(counts: {
  nodes: number;
  relationships: number;
  indexes?: Record<string, unknown>[];
  constraints?: Record<string, unknown>[];
  /**
   * SHOW DATABASE's currentStatus after the start (default online). A database that is not
   * online refuses the served check's query (`RETURN true AS online`), as Neo4j does; the
   * counts asked before the stop and the start's Bolt probe are answered.
   */
  status?: string;
}): RestoreServerOptions["connect"] {
  const answer = ({ cypher }: { cypher: string }): Record<string, unknown>[] => {
    const status = counts.status ?? "online";
    if (status !== "online" && cypher === "RETURN true AS online")
      throw new Error(`Database is unavailable (${status})`);
    if (cypher.startsWith("SHOW DATABASE")) return [{ currentStatus: status }];
    if (cypher === "SHOW INDEXES YIELD *") return counts.indexes ?? [];
    if (cypher === "SHOW CONSTRAINTS YIELD *") return counts.constraints ?? [];
    if (
      cypher.includes("db.labels") ||
      cypher.includes("db.relationshipTypes") ||
      cypher.startsWith("SHOW ")
    )
      return [];
    if (cypher.includes("count(n)")) return [{ c: counts.nodes }];
    if (cypher.includes("count(r)")) return [{ c: counts.relationships }];
    return [{ c: 1 }];
  };
  // A plain query in a session (waitForBolt's probe) is answered as executeQuery answers it.
  return () => fakeDriver(answer).driver;
}

/** neo4j-admin and neo4j of the private instance the dump is proven in; `database info` says `lastTx`. */
function proofRunner(lastTx?: number): ProcessRunner & { calls: string[] } {
  const ok: RunResult = { exitCode: 0, stdout: "", stderr: "", timedOut: false };
  const calls: string[] = [];
  return {
    calls,
    run(_file, args) {
      calls.push(args.slice(0, 2).join(" "));
      if (args.includes("--version"))
        return Promise.resolve({ ...ok, stdout: "neo4j-admin 5.26.30\n" });
      if (args[1] === "info" && lastTx !== undefined)
        return Promise.resolve({ ...ok, stdout: `{"lastCommittedTransaction":"${lastTx}"}\n` });
      return Promise.resolve(ok);
    },
  };
}

/** The private instance's server processes: one, until killed. */
const proofProcesses = (): ServerProcesses => {
  let killed = false;
  return {
    find: () => Promise.resolve(killed ? [] : [4242]),
    kill: () => void (killed = true),
    gone: () => Promise.resolve(killed),
  };
};

/** The private instance the dump is proven in, holding `proven` (default: what the sidecar says). */
export function proofInstance(
  proven: Parameters<typeof graph>[0] = { nodes: 5, relationships: 4 },
  lastTx?: number,
) {
  return { runner: proofRunner(lastTx), driverFactory: graph(proven), processes: proofProcesses() };
}

/** The Bolt connection reports `home` as its server's (the same-server proof; restore-guard.test.ts). */
export function servedFrom(
  home: string,
  connect: RestoreServerOptions["connect"],
): RestoreServerOptions["connect"] {
  return () => {
    const driver = connect();
    const query = driver.executeQuery.bind(driver) as (
      c: string,
      p?: unknown,
      o?: unknown,
    ) => Promise<unknown>;
    const settings = {
      get: (k: string) => (k === "name" ? "server.directories.neo4j_home" : home),
    };
    // Only asked while the home's server is down: then nothing answers at its URI either.
    const down = Object.assign(new Error("connection refused"), { code: "ServiceUnavailable" });
    return Object.assign(driver, {
      verifyConnectivity: () => Promise.reject(down),
      executeQuery: (cypher: string, params?: unknown, config?: unknown) =>
        cypher.startsWith("SHOW SETTINGS")
          ? Promise.resolve({ records: [settings] })
          : query(cypher, params, config),
    });
  };
}
