import { mkdtemp, rm, statfs } from "node:fs/promises";
import { join } from "node:path";
import { NbsError } from "@nbs/errors";
import type { GraphStats } from "@nbs/metadata";
import { buildDumpCommand, dumpFileName } from "./commands.js";
import {
  aroundTheStop,
  countOnline,
  dumpedTransactionId,
  restartAfter,
  restarted,
  snapshotThenRestart,
  statsOf,
  stopForDump,
  withDriverFactory,
  installationOf,
  type DumpDatabaseOptions,
} from "./dump-steps.js";
import type { Neo4jInstallation } from "./installation.js";
import { placeDump } from "./place-dump.js";
import { runNeo4jCommand } from "./run-command.js";
import type { Neo4jEdition } from "./version.js";
import { timed } from "./dump-timing.js";
import { serverRunning } from "./server-running.js";

export interface DumpDatabaseResult {
  path: string;
  /**
   * The sidecar's `stats`: counts and schema while online, with `exact`, `counted_at_tx` and
   * `dumped_at_tx` saying whether they describe exactly what the dump holds. Undefined without Bolt.
   */
  stats: GraphStats | undefined;
  neo4j: { version: string; edition: Neo4jEdition };
  /** When the dump started (ISO 8601, UTC); also encoded in the file name. */
  createdAt: string;
  /**
   * Milliseconds the server did not answer Bolt: from its last answer before the stop to its
   * first after the start. Undefined without Bolt or when it was not running.
   */
  downtimeMs?: number;
}

/**
 * Community-edition offline dump: capture stats while online (with the transaction they
 * describe), stop the DBMS, read the stopped store's last transaction, dump to
 * `<outDir>/<db>-<yyyymmddThhmmssZ>.dump`, and start it again — always, even when the dump fails.
 * A DBMS that was not running is dumped as is and left stopped.
 */
export async function dumpDatabase(given: DumpDatabaseOptions): Promise<DumpDatabaseResult> {
  const options = withDriverFactory(given);
  const { runner, signal } = options;
  const timeoutMs = options.timeoutMs ?? 3_600_000;
  const inst = await installationOf(options);
  const wasRunning = await timed(options.onStep, "status", () =>
    serverRunning(inst, { runner, signal, timeoutMs, processes: options.processes }),
  );

  const { counted, edition } = await countOnline(options, inst, wasRunning);

  const createdAt = options.now();
  const path = join(options.outDir, `${options.db}-${utcStamp(createdAt)}.dump`);
  // Made while the DBMS still serves: an out-dir that cannot be written stops nothing.
  const work = await mkdtemp(join(options.outDir, `.nbs-dump-${options.db}-`)).catch(
    (error: NodeJS.ErrnoException) => {
      throw new NbsError(
        "OUT_DIR_NOT_WRITABLE",
        `cannot write to the out-dir ${options.outDir}: ${why(error)}`,
        {
          hint: "pass an --out-dir on a writable filesystem with room for the dump; Neo4j was not stopped",
          cause: error,
        },
      );
    },
  );
  let dumpedAtTx: number | undefined;
  let downtimeMs: number | undefined;
  try {
    await aroundTheStop(inst, options, wasRunning, async (snapshot, window) => {
      if (wasRunning) await stopForDump(inst, options, timeoutMs);
      let source = inst;
      if (snapshot) {
        const taken = await snapshotThenRestart(inst, options, snapshot, window);
        downtimeMs = taken.downtimeMs;
        source = taken.copy;
      }
      dumpedAtTx = await dumpedTransactionId(options, source, counted, timeoutMs);
      const dumpError = await timed(options.onStep, "dump", () =>
        dumpInto(source, options, work, path, timeoutMs),
      ).then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      );
      if (wasRunning && !snapshot) {
        await restartAfter(inst, options, dumpError === undefined ? path : undefined, dumpError);
        downtimeMs = await restarted(window, options);
      }
      if (dumpError !== undefined) throw dumpError;
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return {
    path,
    stats: statsOf(counted, dumpedAtTx),
    neo4j: { version: inst.version.raw, edition },
    createdAt: createdAt.toISOString(),
    ...(downtimeMs === undefined ? {} : { downtimeMs }),
  };
}

/** A dump that failed with less than this free beside it failed for lack of space. */
const FULL_BELOW_BYTES = 1024 * 1024;

// neo4j-admin 5.x always writes `<db>.dump` into --to-path: dump into a private directory next to
// the target, then move it into place without ever replacing an existing file (see placeDump).
async function dumpInto(
  inst: Neo4jInstallation,
  options: DumpDatabaseOptions,
  work: string,
  path: string,
  timeoutMs: number,
) {
  try {
    await runNeo4jCommand(options.runner, buildDumpCommand(inst, options.db, work), {
      cwd: work,
      signal: options.signal,
      timeoutMs,
    }).catch(async (error: unknown) => {
      // neo4j-admin says why only in its output; the filesystem, still holding the partial
      // dump, says it plainly.
      const free = await statfs(work).then(
        (fs) => fs.bavail * fs.bsize,
        () => undefined,
      );
      if (free === undefined || free >= FULL_BELOW_BYTES) throw error;
      throw new NbsError(
        "DISK_FULL",
        `no space left in the out-dir ${options.outDir} (${free} bytes free) for the dump`,
        {
          hint: "free space there or pass another --out-dir; no partial dump was kept",
          cause: error,
        },
      );
    });
    await placeDump(join(work, dumpFileName(options.db)), path);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function why(error: NodeJS.ErrnoException): string {
  const words: Record<string, string> = {
    EROFS: "read-only file system",
    EACCES: "permission denied",
    ENOSPC: "no space left",
    ENOENT: "no such directory",
  };
  const word = error.code === undefined ? undefined : words[error.code];
  return word ? `${word} (${error.code})` : (error.code ?? error.message);
}

/** `yyyymmddThhmmssZ` in UTC, as used in dump file names and bucket keys. */
export function utcStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}
