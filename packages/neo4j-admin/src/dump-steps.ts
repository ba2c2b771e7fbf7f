import type { Driver } from "neo4j-driver";
import { NbsError } from "@nbs/errors";
import type { GraphStats } from "@nbs/metadata";
import { connectBolt, type BoltConnection } from "./bolt.js";
import { openDowntimeWindow, type DowntimeWindow } from "./downtime.js";
import { serverCommand, type Neo4jInstallation } from "./installation.js";
import { locateNeo4j } from "./locate.js";
import { runNeo4jCommand } from "./run-command.js";
import type { ProcessRunner } from "./runner.js";
import { prepareSnapshot, type PreparedSnapshot, type SnapshotOptions } from "./snapshot.js";
import { captureStats } from "./stats.js";
import { stopServer } from "./stop-server.js";
import { lastTransactionId, storeTransactionId } from "./transaction-id.js";
import type { Neo4jEdition } from "./version.js";
import { waitForBolt } from "./wait-for-bolt.js";
import { manualStart } from "./service-control.js";
import { timed, type OnDumpStep } from "./dump-timing.js";
import type { ServerProcesses } from "./server-processes.js";

// The steps of an offline dump, shared by dumpDatabase (to a file) and dumpDatabaseToStream.

export interface DumpDatabaseOptions {
  /** NEO4J_HOME of the instance to back up. */
  home: string;
  /** Its conf directory, when not `<home>/conf`. */
  confDir?: string;
  /** The systemd unit running it: stopped and started through systemctl instead of bin/neo4j. */
  service?: string | undefined;
  /**
   * The installation at `home` when the caller located it already: not located again (each
   * `neo4j-admin --version` is a JVM start). The `service` above still applies.
   */
  installation?: Neo4jInstallation;
  db: string;
  outDir: string;
  runner: ProcessRunner;
  /**
   * The running instance's Bolt URI and credentials: stats (counts and schema) are captured
   * before the stop and Bolt is awaited after the restart, each over a driver opened and closed here.
   */
  bolt?: BoltConnection;
  /** Instead of `bolt`: a factory for those drivers (tests, ephemeral instances). */
  driverFactory?: () => Driver;
  now: () => Date;
  signal?: AbortSignal;
  /** Per command. Default 1 hour (dumps of large stores take a while). */
  timeoutMs?: number;
  /** For Bolt to answer after the restart. Default 5 minutes. */
  restartTimeoutMs?: number;
  /**
   * Snapshot mode: copy the stopped store to a private staging home, start the server again at
   * once, and dump from the copy (see snapshot.ts). Only for a running server.
   */
  snapshot?: SnapshotOptions;
  /**
   * Called once the server answers Bolt again after the stop, with the downtime measured by a
   * Bolt probe (undefined without Bolt). In snapshot mode this is before the dump starts.
   */
  onRestarted?: (downtimeMs: number | undefined) => void;
  /**
   * Finds the server's processes (default /proc): a live one means running, without the
   * `neo4j status` JVM (see serverRunning).
   */
  processes?: ServerProcesses;
  /** Called after each step (status, count, stop, copy, start, bolt, info, dump) with its duration. */
  onStep?: OnDumpStep;
}

/** The installation to dump: the caller's, or located here (`neo4j-admin --version`). */
export async function installationOf(
  options: Pick<
    DumpDatabaseOptions,
    "home" | "confDir" | "service" | "installation" | "runner" | "signal"
  >,
): Promise<Neo4jInstallation> {
  const given = options.installation;
  if (given === undefined)
    return locateNeo4j({
      ...locateOptions(options),
      runner: options.runner,
      signal: options.signal,
    });
  return options.service === undefined ? given : { ...given, service: options.service };
}

/** What locateNeo4j needs of the options (the home, its conf and its systemd unit). */
export function locateOptions(options: Pick<DumpDatabaseOptions, "home" | "confDir" | "service">) {
  return {
    home: options.home,
    ...(options.confDir === undefined ? {} : { confDir: options.confDir }),
    ...(options.service === undefined ? {} : { service: options.service }),
  };
}

/**
 * Runs `work` with what a dump of a running DBMS keeps across its stop: the snapshot (when one
 * was asked for; prepared before anything stops) and the Bolt downtime window. Both are released
 * after `work`, however it ends; neither for a DBMS that was not running.
 */
export async function aroundTheStop<T>(
  inst: Neo4jInstallation,
  options: Pick<DumpDatabaseOptions, "db" | "snapshot" | "driverFactory">,
  wasRunning: boolean,
  work: (snapshot: PreparedSnapshot | undefined, window: DowntimeWindow | undefined) => Promise<T>,
): Promise<T> {
  const snapshot =
    wasRunning && options.snapshot
      ? await prepareSnapshot(inst, options.db, options.snapshot)
      : undefined;
  try {
    const window = wasRunning
      ? await openDowntimeWindow(options.driverFactory, options.db)
      : undefined;
    try {
      return await work(snapshot, window);
    } finally {
      await window?.close();
    }
  } finally {
    await snapshot?.dispose();
  }
}

/**
 * Read while stopped: the transaction the dump will hold, to tell whether the counts describe
 * it (only when there are counts). Unknown when it fails: the counts then compare strictly; the
 * restart still runs.
 */
export async function dumpedTransactionId(
  options: Pick<DumpDatabaseOptions, "db" | "runner" | "signal" | "onStep">,
  source: Neo4jInstallation,
  counted: CountedStats | undefined,
  timeoutMs: number,
): Promise<number | undefined> {
  if (!counted) return undefined;
  const { runner, signal } = options;
  return timed(options.onStep, "info", () =>
    storeTransactionId(runner, source, options.db, { signal, timeoutMs }),
  ).catch(() => undefined);
}

/**
 * Snapshot mode, with the server stopped: copy its store, start it again (whether the copy
 * worked or not), and only then throw the copy's failure; returns the copy to dump from.
 */
export async function snapshotThenRestart(
  inst: Neo4jInstallation,
  options: Omit<DumpDatabaseOptions, "outDir">,
  snapshot: PreparedSnapshot,
  window: DowntimeWindow | undefined,
): Promise<{ copy: Neo4jInstallation; downtimeMs: number | undefined }> {
  const copied = await timed(
    options.onStep,
    "copy",
    () => snapshot.take(),
    () => ({ method: snapshot.method ?? "copy", bytes: snapshot.storeBytes }),
  ).then(
    (copy) => ({ copy }),
    (error: unknown) => ({ error }),
  );
  await restartAfter(
    inst,
    options,
    undefined,
    "error" in copied ? copied.error : undefined,
    "error" in copied ? "the snapshot failed and" : "the store was copied but",
  );
  const downtimeMs = await restarted(window, options);
  if ("error" in copied) throw copied.error;
  return { copy: copied.copy, downtimeMs };
}

/** The downtime once the restarted server answered, handed to `onRestarted`. */
export async function restarted(
  window: { measure(): Promise<number | undefined> } | undefined,
  options: Pick<DumpDatabaseOptions, "onRestarted">,
): Promise<number | undefined> {
  const downtimeMs = await window?.measure();
  options.onRestarted?.(downtimeMs);
  return downtimeMs;
}

type DriverOptions = Pick<DumpDatabaseOptions, "bolt" | "driverFactory">;

/** The options with a driver factory made from `bolt` (when given and no factory was). */
export function withDriverFactory<O extends DriverOptions>(given: O): O {
  const bolt = given.bolt;
  return given.driverFactory === undefined && bolt !== undefined
    ? { ...given, driverFactory: () => connectBolt(bolt) }
    : given;
}

/**
 * Counts (and schema) of a running DBMS, between two reads of its last transaction, and its
 * edition; nothing without a driver factory or when it is not running.
 */
export async function countOnline(
  options: Pick<DumpDatabaseOptions, "db" | "driverFactory" | "onStep">,
  inst: Neo4jInstallation,
  wasRunning: boolean,
): Promise<{ counted: CountedStats | undefined; edition: Neo4jEdition }> {
  const factory = options.driverFactory;
  if (!wasRunning || !factory) return { counted: undefined, edition: inst.edition };
  return timed(options.onStep, "count", () => countWith(factory, options.db, inst));
}

async function countWith(
  factory: () => Driver,
  db: string,
  inst: Neo4jInstallation,
): Promise<{ counted: CountedStats; edition: Neo4jEdition }> {
  const options = { db };
  const driver = factory();
  try {
    const counted = await countSteadily(driver, options.db);
    return { counted, edition: await editionOf(driver, inst.edition) };
  } catch (error) {
    throw new NbsError(
      "STATS_FAILED",
      `cannot count the graph of ${options.db} before the dump: ${firstLine(error)}`,
      {
        hint: "check NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD, or leave NEO4J_URI unset to dump without stats",
        cause: error,
      },
    );
  } finally {
    await driver.close();
  }
}

/** The sidecar's stats: what was counted online, with whether it describes the stopped store. */
export function statsOf(
  counted: CountedStats | undefined,
  dumpedAtTx: number | undefined,
): GraphStats | undefined {
  return counted ? { ...counted.stats, ...describeCounting(counted, dumpedAtTx) } : undefined;
}

/**
 * Stop the server for a dump; a stop that fails, times out or is interrupted still leaves it
 * running (see stopServer): NEO4J_STOP_FAILED, or NEO4J_NOT_RESTARTED when it did not come back.
 */
export async function stopForDump(
  inst: Neo4jInstallation,
  options: Omit<DumpDatabaseOptions, "outDir">,
  timeoutMs: number,
): Promise<void> {
  await timed(options.onStep, "stop", () =>
    stopServer(inst, {
      runner: options.runner,
      signal: options.signal,
      timeoutMs,
      start: () => restart(inst, options),
      codes: { stopFailed: "NEO4J_STOP_FAILED", notRestarted: "NEO4J_NOT_RESTARTED" },
      consequence: "nothing was dumped",
    }),
  );
}

export async function restartAfter(
  inst: Neo4jInstallation,
  options: Omit<DumpDatabaseOptions, "outDir">,
  dumped: string | undefined,
  dumpError: unknown,
  said?: string,
): Promise<void> {
  try {
    await restart(inst, options);
  } catch (restartError) {
    const what =
      said ??
      (dumped === undefined ? "the dump failed and" : `the dump was written to ${dumped} but`);
    throw new NbsError("NEO4J_NOT_RESTARTED", `${what} Neo4j did not restart`, {
      hint: `start it by hand: ${manualStart(inst)}`,
      cause: dumpError === undefined ? restartError : new AggregateError([dumpError, restartError]),
    });
  }
}

// The restart must happen even after a cancelled dump, so it ignores the abort signal.
export async function restart(
  inst: Neo4jInstallation,
  options: Omit<DumpDatabaseOptions, "outDir">,
): Promise<void> {
  await timed(options.onStep, "start", () =>
    runNeo4jCommand(options.runner, serverCommand(inst, "start"), {
      timeoutMs: options.timeoutMs ?? 600_000,
    }),
  );
  const factory = options.driverFactory;
  if (!factory) return;
  const driver = factory();
  try {
    await timed(options.onStep, "bolt", () =>
      waitForBolt(driver, {
        database: options.db,
        timeoutMs: options.restartTimeoutMs ?? 300_000,
        logHint: `Neo4j was restarted after the dump; see the logs under ${inst.home}`,
      }),
    );
  } finally {
    await driver.close();
  }
}

interface CountedStats {
  stats: GraphStats;
  /** The transaction the counts describe; undefined when unknown or `moving`. */
  tx: number | undefined;
  /** Transactions committed during every attempt: the counts are not even a consistent snapshot. */
  moving: boolean;
}

const COUNT_ATTEMPTS = 3;

/** Count between two reads of the last transaction id; count again while writes move it. */
async function countSteadily(driver: Driver, database: string): Promise<CountedStats> {
  for (let attempt = 1; ; attempt += 1) {
    const before = await lastTransactionId(driver, database);
    const stats = await captureStats(driver, database);
    const after = await lastTransactionId(driver, database);
    if (before === undefined || after === undefined) return { stats, tx: undefined, moving: false };
    if (before === after) return { stats, tx: before, moving: false };
    if (attempt === COUNT_ATTEMPTS) return { stats, tx: undefined, moving: true };
  }
}

/**
 * Counts are taken online and the database stops a moment later; clients may commit in between.
 * `exact` says whether they did: true when the last committed transaction was the same while
 * counting and in the stopped store (the counts describe the dump), false when it moved, and
 * absent when either id could not be read. `counted_at_tx` is absent when writes kept moving it
 * or it could not be read; `dumped_at_tx` when the store's (Neo4j 5) could not be read.
 */
function describeCounting(
  counted: CountedStats,
  dumpedAtTx: number | undefined,
): Pick<GraphStats, "exact" | "counted_at_tx" | "dumped_at_tx"> {
  const known = counted.tx !== undefined && dumpedAtTx !== undefined;
  const exact = counted.moving ? false : known ? counted.tx === dumpedAtTx : undefined;
  return {
    ...(exact === undefined ? {} : { exact }),
    ...(counted.tx === undefined ? {} : { counted_at_tx: counted.tx }),
    ...(dumpedAtTx === undefined ? {} : { dumped_at_tx: dumpedAtTx }),
  };
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
}

async function editionOf(driver: Driver, fallback: Neo4jEdition): Promise<Neo4jEdition> {
  const { records } = await driver.executeQuery(
    "CALL dbms.components() YIELD edition RETURN edition",
    {},
  );
  const edition: unknown = records[0]?.get("edition");
  return edition === "community" || edition === "enterprise" ? edition : fallback;
}
