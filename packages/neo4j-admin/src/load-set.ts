import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { NbsError } from "@nbs/errors";
import { connectBolt, type BoltConnection } from "./bolt.js";
import { utcStamp } from "./dump-database.js";
import { locateOptions } from "./dump-steps.js";
import { serverCommand, type Neo4jInstallation } from "./installation.js";
import { locateNeo4j } from "./locate.js";
import { runNeo4jCommand } from "./run-command.js";
import { serverRunning } from "./server-running.js";
import type { ProcessRunner } from "./runner.js";
import { dumpStoppedDatabase, loadStoppedDatabase } from "./safety-copy.js";
import { manualStart } from "./service-control.js";
import { stopServer } from "./stop-server.js";
import { waitForBolt } from "./wait-for-bolt.js";

export interface LoadSetOptions {
  home: string;
  /** The systemd unit running it: stopped and started through systemctl. */
  service?: string | undefined;
  /** In load order, `system` first; each `dir` holds `<db>.dump` (verified by the caller). */
  members: ReadonlyArray<{ db: string; dir: string }>;
  /** Where each replaced database is dumped first (`<db>-<time>/<db>.dump`); never deleted here. */
  safetyDir: string;
  runner: ProcessRunner;
  /** Bolt to wait for after the start, as a user of the RESTORED system database. */
  bolt?: BoltConnection | undefined;
  now: () => Date;
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
}

export interface LoadSetResult {
  safetyCopies: Array<{ db: string; path: string }>;
}

/**
 * Restore a set onto a Neo4j: stop it once, dump every member database it has to a safety copy,
 * load the members in order (`system` first: users, roles, database definitions), start it and
 * wait for Bolt. Whatever stopped it starts it again: a failed copy loads nothing
 * (RESTORE_SAFETY_COPY_FAILED); a failed load puts the copies back of every member touched so
 * far, then starts it (RESTORE_LOAD_FAILED). Once loading began it runs to the end: the signal
 * is not passed to the loads or the start (stopping half way would leave a mixed server).
 */
export async function loadDatabaseSet(options: LoadSetOptions): Promise<LoadSetResult> {
  const { runner, signal } = options;
  const timeoutMs = options.timeoutMs ?? 3_600_000;
  const inst = await locateNeo4j({ ...locateOptions(options), runner, signal });
  const running = await serverRunning(inst, { runner, signal, timeoutMs });
  const start = () => startAndWait(inst, options, timeoutMs);
  if (running)
    await stopServer(inst, {
      runner,
      signal,
      timeoutMs,
      start,
      codes: { stopFailed: "RESTORE_STOP_FAILED", notRestarted: "RESTORE_RESTART_FAILED" },
      consequence: "nothing was loaded",
    });
  const stamp = utcStamp(options.now());
  const copies: LoadSetResult["safetyCopies"] = [];
  try {
    for (const { db } of options.members) {
      const dir = join(options.safetyDir, `${db}-${stamp}`);
      await mkdir(dir, { recursive: true });
      copies.push({
        db,
        path: await dumpStoppedDatabase({ installation: inst, db, dir, runner, timeoutMs }),
      });
    }
  } catch (error) {
    await startOrSay(start, inst, error);
    throw new NbsError(
      "RESTORE_SAFETY_COPY_FAILED",
      `the safety copy of ${options.members[copies.length]?.db} failed: ${firstLine(error)}; nothing was loaded and Neo4j was started again`,
      {
        hint: `free space under ${options.safetyDir} (or pass another --safety-dir) and restore again`,
        cause: error,
      },
    );
  }
  let loaded = 0;
  try {
    for (const member of options.members) {
      loaded += 1;
      await loadStoppedDatabase({
        installation: inst,
        db: member.db,
        dir: member.dir,
        runner,
        timeoutMs,
      });
    }
  } catch (error) {
    const back = await putBack(copies.slice(0, loaded), inst, runner, timeoutMs);
    await startOrSay(start, inst, error);
    const failedDb = options.members[loaded - 1]?.db;
    throw new NbsError(
      "RESTORE_LOAD_FAILED",
      `the load of ${failedDb} failed: ${firstLine(error)}; ${back === undefined ? "the safety copies were loaded back and Neo4j was started again with its previous data" : `loading the safety copies back failed too (${firstLine(back)})`}`,
      {
        hint: `read the neo4j-admin output; the safety copies are under ${options.safetyDir} (neo4j-admin database load --from-path=<copy dir> --overwrite-destination <db>)`,
        cause: error,
      },
    );
  }
  await startOrSay(start, inst, undefined);
  return { safetyCopies: copies };
}

async function putBack(
  copies: LoadSetResult["safetyCopies"],
  inst: Neo4jInstallation,
  runner: ProcessRunner,
  timeoutMs: number,
): Promise<unknown> {
  try {
    for (const copy of copies)
      await loadStoppedDatabase({
        installation: inst,
        db: copy.db,
        dir: join(copy.path, ".."),
        runner,
        timeoutMs,
      });
    return undefined;
  } catch (error) {
    return error;
  }
}

async function startOrSay(start: () => Promise<void>, inst: Neo4jInstallation, before: unknown) {
  try {
    await start();
  } catch (error) {
    throw new NbsError(
      "RESTORE_RESTART_FAILED",
      `${before === undefined ? "the set was loaded but" : `${firstLine(before)}, and`} Neo4j did not start again: ${firstLine(error)}`,
      {
        hint: `start it by hand (${manualStart(inst)}) and read its logs under ${inst.home}`,
        cause: before === undefined ? error : new AggregateError([before, error]),
      },
    );
  }
}

// Ignores the signal: the server must run again whatever interrupted the restore.
async function startAndWait(
  inst: Neo4jInstallation,
  options: LoadSetOptions,
  timeoutMs: number,
): Promise<void> {
  await runNeo4jCommand(options.runner, serverCommand(inst, "start"), { timeoutMs });
  if (!options.bolt) return;
  const driver = connectBolt(options.bolt);
  try {
    await waitForBolt(driver, {
      database: "system",
      query: "SHOW DATABASES YIELD name RETURN count(*)",
      timeoutMs: 300_000,
      logHint: `Neo4j was started after the set restore; see the logs under ${inst.home}`,
    });
  } finally {
    await driver.close();
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
}
