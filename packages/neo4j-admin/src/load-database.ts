import type { Driver } from "neo4j-driver";
import { NbsError } from "@nbs/errors";
import { buildLoadCommand } from "./commands.js";
import { serverCommand, type Neo4jInstallation } from "./installation.js";
import { runNeo4jCommand } from "./run-command.js";
import { serverRunning } from "./server-running.js";
import type { ProcessRunner } from "./runner.js";
import type { ServerProcesses } from "./server-processes.js";
import { stopServer } from "./stop-server.js";
import { waitForBolt } from "./wait-for-bolt.js";
import { manualStart } from "./service-control.js";

export interface LoadDatabaseOptions {
  /** The operator's installation (not an ephemeral one): its server is stopped and started. */
  installation: Neo4jInstallation;
  db: string;
  /** Directory holding `<db>.dump` (neo4j-admin reads that name). */
  dumpDir: string;
  runner: ProcessRunner;
  /** Connects to the server after the start, to wait until `db` answers. */
  driverFactory: () => Driver;
  /** Honoured until the server is stopped; the load and the start then run to their end. */
  signal?: AbortSignal;
  /** Per command (stop, load, start). Default 1 hour: large stores take a while. */
  timeoutMs?: number;
  /** For Bolt to answer after the start. Default 5 minutes. */
  restartTimeoutMs?: number;
  /** Told before each step: "stop", "load", "start". */
  onStep?: (step: "stop" | "load" | "start") => void;
  /**
   * Runs once the server is down, before the load (a restore's safety copy of the data it
   * replaces). When it throws, nothing is loaded: the server is started again, the error rethrown.
   */
  beforeLoad?: () => Promise<void>;
  /**
   * Runs after a failed load, before the start, to put the previous data back. Resolves to what
   * was put back (named in the error) or undefined when nothing was.
   */
  afterFailedLoad?: (loadError: Error) => Promise<string | undefined>;
  /**
   * Whether the server runs, when the caller has just asked with nothing in between (a restore's
   * last check before the stop): not asked again. Omitted: asked here, as late as possible.
   */
  running?: boolean;
  /** Finds the server's processes (default /proc): see serverRunning. */
  processes?: ServerProcesses;
}

export interface LoadDatabaseResult {
  /** Whether the server was running before (it is running after a successful load either way). */
  wasRunning: boolean;
}

/**
 * Community-edition offline restore onto a real server: stop it, `neo4j-admin database load
 * --overwrite-destination`, and start it again — always, even when the load fails (like
 * {@link dumpDatabase}). The caller has verified the dump; this replaces `db` with it.
 */
export async function loadDatabase(options: LoadDatabaseOptions): Promise<LoadDatabaseResult> {
  const { installation: inst, runner, signal } = options;
  const timeoutMs = options.timeoutMs ?? 3_600_000;
  const wasRunning =
    options.running ??
    (await serverRunning(inst, { runner, signal, timeoutMs, processes: options.processes }));
  if (wasRunning) {
    options.onStep?.("stop");
    // A failed or interrupted stop starts the server again (RESTORE_STOP_FAILED, or the
    // interruption itself) before anything is loaded; RESTORE_RESTART_FAILED when it did not come back.
    await stopServer(inst, {
      runner,
      signal,
      timeoutMs,
      start: () => start(inst, options, options.db, timeoutMs),
      codes: { stopFailed: "RESTORE_STOP_FAILED", notRestarted: "RESTORE_RESTART_FAILED" },
      consequence: "nothing was loaded",
      ...(options.processes ? { processes: options.processes } : {}),
    });
  }
  // From here on the database is being replaced: an interrupted load would leave it half
  // written, so the load and the start ignore the abort signal (a second Ctrl-C still forces).
  const prepError = await (options.beforeLoad?.() ?? Promise.resolve()).then(
    () => undefined,
    toError,
  );
  if (!prepError) options.onStep?.("load");
  const loadError = prepError
    ? undefined
    : await runNeo4jCommand(runner, buildLoadCommand(inst, options.db, options.dumpDir), {
        cwd: options.dumpDir,
        timeoutMs,
      }).then(() => undefined, toError);
  const putBack =
    loadError && options.afterFailedLoad
      ? await options.afterFailedLoad(loadError).catch(() => undefined)
      : undefined;
  options.onStep?.("start");
  // After a failed load the database itself may never come online: then the server answering
  // (its system database) is what "started" means.
  const ready = loadError && !putBack ? "system" : options.db;
  await start(inst, options, ready, timeoutMs).catch((error: unknown) => {
    const what = prepError
      ? "nothing was loaded and"
      : loadError
        ? "the load failed and"
        : "the database was loaded but";
    throw new NbsError(
      "RESTORE_RESTART_FAILED",
      `${what} Neo4j did not start again: ${firstLine(error)}`,
      {
        hint: `start it by hand (${manualStart(inst)}) and read its logs under ${inst.home}`,
        cause: loadError ? new AggregateError([loadError, error]) : error,
      },
    );
  });
  if (prepError) throw prepError;
  if (loadError) {
    throw new NbsError(
      "RESTORE_LOAD_FAILED",
      `neo4j-admin database load of ${options.db} failed: ${firstLine(loadError)}; Neo4j was started again${putBack ? ` with its previous data (loaded back from ${putBack})` : ""}`,
      {
        hint: putBack
          ? "read the neo4j-admin output; check the dump and the disk space of the data directory, then restore again"
          : "read the neo4j-admin output; check the dump's Neo4j version and the disk space of the data directory; the database may now be empty or partial, restore again once the cause is fixed",
        cause: loadError,
      },
    );
  }
  return { wasRunning };
}

async function start(
  inst: Neo4jInstallation,
  options: LoadDatabaseOptions,
  database: string,
  timeoutMs: number,
): Promise<void> {
  await runNeo4jCommand(options.runner, serverCommand(inst, "start"), { timeoutMs });
  const driver = options.driverFactory();
  try {
    await waitForBolt(driver, {
      database,
      ...(database === "system" ? { query: "SHOW DATABASES" } : {}),
      timeoutMs: options.restartTimeoutMs ?? 300_000,
      logHint: `Neo4j was started after the restore; see the logs under ${inst.home}`,
    });
  } finally {
    await driver.close();
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
}

/**
 * Nodes in `database` of a running server, to tell whether a restore would replace data;
 * 0 when the database does not exist yet (nothing to lose).
 */
export async function countNodes(driver: Driver, database: string): Promise<number> {
  try {
    const { records } = await driver.executeQuery(
      "MATCH (n) RETURN count(n) AS c",
      {},
      { database, routing: "READ" },
    );
    const value: unknown = records[0]?.get("c");
    return typeof value === "number"
      ? value
      : Number((value as { toString(): string } | undefined)?.toString() ?? 0);
  } catch (error) {
    if ((error as { code?: string }).code === "Neo.ClientError.Database.DatabaseNotFound") return 0;
    throw error;
  }
}
