import { NbsError } from "@nbs/errors";
import type { GraphStats } from "@nbs/metadata";
import {
  countOnline,
  firstLine,
  installationOf,
  restart,
  statsOf,
  stopForDump,
  withDriverFactory,
  type DumpDatabaseOptions,
} from "./dump-steps.js";
import { openDowntimeWindow } from "./downtime.js";
import { serverRunning } from "./server-running.js";
import { manualStart } from "./service-control.js";
import { storeTransactionId } from "./transaction-id.js";
import type { Neo4jInstallation } from "./installation.js";
import type { Neo4jEdition } from "./version.js";

/** What the set's code knows of a member before it is dumped (all of it taken before the stop). */
export interface SetMemberInfo {
  db: string;
  /** Counts and schema while online, as dumpDatabase records them; undefined for `system` and without Bolt. */
  stats: GraphStats | undefined;
}

export interface DumpSetOptions<T> extends Omit<DumpDatabaseOptions, "db" | "outDir"> {
  /** The databases, in the order they are dumped (`system` first). */
  dbs: readonly string[];
  /**
   * Dumps one database of the stopped server (a file, or a stream to S3) and says what it made.
   * A rejection ends the window: the members after it are not dumped, the server is started.
   */
  dumpMember: (member: SetMemberInfo) => Promise<T>;
}

export interface DumpSetResult<T> {
  members: Array<SetMemberInfo & { dumped: T }>;
  neo4j: { version: string; edition: Neo4jEdition };
  /** When the window began (ISO 8601, UTC). */
  createdAt: string;
  /** How long the server did not answer Bolt for the whole window (measured with Bolt only). */
  downtimeMs: number | undefined;
}

/**
 * Every database of a server in ONE stop window: count each while online, stop the DBMS once,
 * dump each in turn through `dumpMember`, and start it again — always, whatever failed, as
 * dumpDatabase does for one. The first failed member ends the window and is thrown (the set is
 * then incomplete: its caller commits nothing). A DBMS that was not running is left stopped.
 */
export async function dumpDatabaseSet<T>(given: DumpSetOptions<T>): Promise<DumpSetResult<T>> {
  const options = withDriverFactory(given);
  const { runner, signal } = options;
  const timeoutMs = options.timeoutMs ?? 3_600_000;
  const inst = await installationOf(options);
  const wasRunning = await serverRunning(inst, { runner, signal, timeoutMs });
  // The system database answers no count query: it has no stats, as a dump of it has none.
  const counts = new Map<string, Awaited<ReturnType<typeof countOnline>>>();
  for (const db of options.dbs.filter((name) => name !== "system"))
    counts.set(db, await countOnline({ ...options, db }, inst, wasRunning));
  // Bolt is awaited after the restart on a database that answers `RETURN 1`.
  const probeDb = options.dbs.find((name) => name !== "system") ?? "neo4j";
  const restartOptions = { ...options, db: probeDb };
  const window = wasRunning ? await openDowntimeWindow(options.driverFactory, probeDb) : undefined;
  try {
    return await inWindow(options, inst, counts, wasRunning, restartOptions, timeoutMs, async () =>
      window?.measure(),
    );
  } finally {
    await window?.close();
  }
}

async function inWindow<T>(
  options: DumpSetOptions<T>,
  inst: Neo4jInstallation,
  counts: Map<string, Awaited<ReturnType<typeof countOnline>>>,
  wasRunning: boolean,
  restartOptions: DumpSetOptions<T> & { db: string },
  timeoutMs: number,
  measure: () => Promise<number | undefined>,
): Promise<DumpSetResult<T>> {
  const { runner, signal } = options;
  const createdAt = options.now();
  const edition = [...counts.values()][0]?.edition ?? inst.edition;
  if (wasRunning) await stopForDump(inst, restartOptions, timeoutMs);
  const members: DumpSetResult<T>["members"] = [];
  let failure: Error | undefined;
  try {
    for (const db of options.dbs) {
      const counted = counts.get(db)?.counted;
      const dumpedAtTx = counted
        ? await storeTransactionId(runner, inst, db, { signal, timeoutMs }).catch(() => undefined)
        : undefined;
      const info: SetMemberInfo = { db, stats: statsOf(counted, dumpedAtTx) };
      members.push({ ...info, dumped: await options.dumpMember(info) });
    }
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  }
  if (wasRunning) {
    const restartError = await restart(inst, restartOptions).then(
      () => undefined,
      (error: unknown) => error ?? new Error("the start failed"),
    );
    if (restartError !== undefined) {
      const what =
        failure === undefined
          ? `all ${members.length} databases were dumped but`
          : `the dump of ${options.dbs[members.length]} failed (${firstLine(failure)}) and`;
      throw new NbsError("NEO4J_NOT_RESTARTED", `${what} Neo4j did not restart`, {
        hint: `start it by hand: ${manualStart(inst)}`,
        cause: failure === undefined ? restartError : new AggregateError([failure, restartError]),
      });
    }
  }
  if (failure !== undefined) throw failure;
  return {
    members,
    neo4j: { version: inst.version.raw, edition },
    createdAt: createdAt.toISOString(),
    downtimeMs: wasRunning ? await measure() : undefined,
  };
}
