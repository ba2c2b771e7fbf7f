import { basename } from "node:path";
import { NbsError } from "@nbs/errors";
import { buildDumpToStdoutCommand } from "./commands.js";
import type { GraphStats } from "@nbs/metadata";
import {
  aroundTheStop,
  countOnline,
  dumpedTransactionId,
  firstLine,
  installationOf,
  restart,
  restarted,
  snapshotThenRestart,
  statsOf,
  stopForDump,
  withDriverFactory,
  type DumpDatabaseOptions,
} from "./dump-steps.js";
import type { DowntimeWindow } from "./downtime.js";
import { DUMP_HEADER_BYTES, detectDumpFormat, type DumpFormat } from "./dump-format.js";
import { Neo4jCommandError } from "./errors.js";
import type { Neo4jCommand, Neo4jInstallation } from "./installation.js";
import { redactText } from "./redact.js";
import type { StreamExit } from "./runner.js";
import type { PreparedSnapshot } from "./snapshot.js";
import type { Neo4jEdition } from "./version.js";
import { timed } from "./dump-timing.js";
import { serverRunning } from "./server-running.js";
import { manualStart } from "./service-control.js";

/** What is known about a streamed dump before its first byte (all of it is taken before the stop). */
export interface StreamedDumpInfo {
  /**
   * The sidecar's `stats` (counts and schema, with `exact` / `counted_at_tx` / `dumped_at_tx`),
   * as dumpDatabase records them; undefined without Bolt.
   */
  stats: GraphStats | undefined;
  neo4j: { version: string; edition: Neo4jEdition };
  /** When the dump started (ISO 8601, UTC). */
  createdAt: string;
}

/** A dump being written to stdout, handed to the consumer. */
export interface DumpStream {
  /** The dump's bytes; its first bytes were recognised as a Neo4j dump before any is yielded. */
  bytes: AsyncIterable<Buffer>;
  /**
   * Resolves once neo4j-admin exited 0, rejects (NEO4J_COMMAND_FAILED / _TIMEOUT / NEO4J_NOT_RUNNABLE, output tail redacted) otherwise. The
   * dump is complete only then: a consumer must await it after reading the last byte and before
   * treating the bytes as a dump (e.g. before completing an upload).
   */
  exited: Promise<void>;
  /** The format recognised from the first bytes; set once the first byte was yielded. */
  format: () => DumpFormat | undefined;
  info: StreamedDumpInfo;
  /**
   * The downtime (ms, measured over Bolt) once the server answers again; undefined without Bolt,
   * when it was not running, or when it did not come back. In dump mode it resolves only after
   * the dump process ended and the server restarted: await it after `exited`.
   */
  downtime: Promise<number | undefined>;
}

export interface DumpToStreamOptions<T> extends Omit<DumpDatabaseOptions, "outDir"> {
  /** Reads the dump (e.g. uploads it). Its rejection stops the dump. */
  consume: (dump: DumpStream) => Promise<T>;
}

export interface DumpToStreamResult<T> extends StreamedDumpInfo {
  consumed: T;
  /** See DumpDatabaseResult.downtimeMs. */
  downtimeMs?: number;
}

/**
 * Community-edition offline dump with no local file: capture stats while online, stop the DBMS,
 * read the stopped store's last transaction, run `neo4j-admin database dump <db> --to-stdout`
 * and hand its stdout to `consume`; start the DBMS again as soon as the dump process ended —
 * always, whether the dump, the consumer or the caller's signal failed. A DBMS that was not
 * running is dumped as is and left stopped.
 */
export async function dumpDatabaseToStream<T>(
  given: DumpToStreamOptions<T>,
): Promise<DumpToStreamResult<T>> {
  const options = withDriverFactory(given);
  const { runner, signal } = options;
  const timeoutMs = options.timeoutMs ?? 3_600_000;
  const inst = await installationOf(options);
  const command = buildDumpToStdoutCommand(inst, options.db);
  if (!command || !runner.stream) {
    throw new NbsError(
      "NEO4J_VERSION_UNSUPPORTED",
      `a streamed dump needs Neo4j 5 or later (neo4j-admin database dump --to-stdout); this is ${inst.version.raw}`,
      { hint: "dump to a file with --out-dir instead; Neo4j was not stopped" },
    );
  }
  const wasRunning = await timed(options.onStep, "status", () =>
    serverRunning(inst, { runner, signal, timeoutMs, processes: options.processes }),
  );
  const { counted, edition } = await countOnline(options, inst, wasRunning);
  const createdAt = options.now();
  return aroundTheStop(inst, options, wasRunning, (snapshot, window) =>
    stopAndStream(options, inst, command, wasRunning, snapshot, window, {
      counted,
      edition,
      createdAt,
      timeoutMs,
    }),
  );
}

async function stopAndStream<T>(
  options: DumpToStreamOptions<T>,
  inst: Neo4jInstallation,
  command: Neo4jCommand,
  wasRunning: boolean,
  snapshot: PreparedSnapshot | undefined,
  window: DowntimeWindow | undefined,
  taken: {
    counted: Awaited<ReturnType<typeof countOnline>>["counted"];
    edition: Neo4jEdition;
    createdAt: Date;
    timeoutMs: number;
  },
): Promise<DumpToStreamResult<T>> {
  const { runner, signal } = options;
  const { counted, edition, createdAt, timeoutMs } = taken;
  let consumed: PromiseSettledResult<T>;
  let restartError: unknown;
  let downtimeMs: number | undefined;
  let source = inst;
  // A failed stop starts the server again itself (NEO4J_STOP_FAILED / NEO4J_NOT_RESTARTED).
  if (wasRunning) await stopForDump(inst, options, timeoutMs);
  if (snapshot) {
    // The server starts again before the dump: the dump reads the copy.
    const copy = await snapshotThenRestart(inst, options, snapshot, window);
    downtimeMs = copy.downtimeMs;
    source = copy.copy;
    command = buildDumpToStdoutCommand(source, options.db) ?? command;
  }
  let downtimeKnown: (ms: number | undefined) => void = () => {};
  const downtime = snapshot
    ? Promise.resolve(downtimeMs)
    : new Promise<number | undefined>((resolve) => (downtimeKnown = resolve));
  let restartDone = false;
  const restartNow = async () => {
    restartDone = true;
    restartError = await restart(inst, options).then(
      () => undefined,
      (error: unknown) => error ?? new Error("restart failed"),
    );
    downtimeMs = restartError === undefined ? await restarted(window, options) : undefined;
    downtimeKnown(downtimeMs);
  };
  const restartsHere = wasRunning && !snapshot;
  try {
    const dumpedAtTx = await dumpedTransactionId(options, source, counted, timeoutMs);
    const info: StreamedDumpInfo = {
      stats: statsOf(counted, dumpedAtTx),
      neo4j: { version: inst.version.raw, edition },
      createdAt: createdAt.toISOString(),
    };
    // Checked by the caller before anything stopped.
    const proc = runner.stream!(command.file, command.args, {
      env: command.env,
      timeoutMs,
      ...(signal ? { signal } : {}),
    });
    const shown = [basename(command.file), ...command.args].join(" ");
    const exited = proc.exit.then((exit) => assertDumped(exit, shown, command.secrets, timeoutMs));
    exited.catch(() => {}); // the consumer may stop before awaiting it
    let format: DumpFormat | undefined;
    // Settled as soon as the consumer is done: a failure is held here, not left unhandled while
    // the dump process ends and the DBMS restarts.
    const consuming = Promise.allSettled([
      options
        .consume({
          bytes: recognised(proc.stdout, exited, (f) => (format = f)),
          exited,
          format: () => format,
          info,
          downtime,
        })
        .catch((error: unknown) => {
          proc.kill(); // the consumer gave up: stop the dump so the restart can follow
          throw error;
        }),
    ]);
    // The DBMS starts again as soon as the dump process ended; the consumer may still be
    // finishing (the last parts, the commit) meanwhile.
    await timed(options.onStep, "dump", () => proc.exit);
    if (restartsHere) await restartNow();
    [consumed] = await consuming;
    if (consumed.status === "fulfilled" && restartError === undefined)
      return {
        ...info,
        consumed: consumed.value,
        ...(downtimeMs === undefined ? {} : { downtimeMs }),
      };
  } catch (error) {
    // The spawn failed: still restart.
    if (restartsHere && !restartDone) await restartNow();
    if (restartError === undefined) throw error;
    consumed = { status: "rejected", reason: error };
  }
  if (restartError !== undefined) {
    const what =
      consumed.status === "fulfilled"
        ? "the dump was stored but"
        : `the dump failed (${firstLine(consumed.reason)}) and`;
    throw new NbsError("NEO4J_NOT_RESTARTED", `${what} Neo4j did not restart`, {
      hint: `start it by hand: ${manualStart(inst)}`,
      cause:
        consumed.status === "fulfilled"
          ? restartError
          : new AggregateError([consumed.reason, restartError]),
    });
  }
  throw (consumed as PromiseRejectedResult).reason;
}

function assertDumped(exit: StreamExit, shown: string, secrets: string[], timeoutMs: number) {
  if (exit.exitCode === 0 && !exit.timedOut && !exit.aborted) return;
  if (exit.aborted) throw new NbsError("INTERRUPTED", `${shown} was cancelled`);
  const outputTail = redactText(tailLines(exit.stderr, 20), secrets);
  const what = exit.error
    ? `could not start: ${exit.error.message}`
    : exit.timedOut
      ? `timed out after ${timeoutMs} ms`
      : `exited with ${exit.exitCode ?? "a signal"}`;
  const last = lastMeaningfulLine(outputTail);
  throw new Neo4jCommandError(`${shown} ${what}${last ? `: ${last}` : ""}`, {
    command: shown,
    exitCode: exit.exitCode,
    outputTail,
    timedOut: exit.timedOut,
    ...(exit.error ? { notRun: true, cause: exit.error } : {}),
    hint: "see the output tail and the Neo4j logs; nothing was committed",
  });
}

/**
 * Pass the dump through once its first bytes (up to DUMP_HEADER_BYTES, or all of a smaller
 * dump) are recognised as a Neo4j dump — the check a dump file gets — so that whatever else a
 * misbehaving neo4j-admin writes to stdout is never stored as a backup. The stream ends only
 * after the process exited 0.
 */
async function* recognised(
  source: AsyncIterable<Buffer>,
  exited: Promise<void>,
  onFormat: (format: DumpFormat) => void,
): AsyncGenerator<Buffer> {
  const head: Buffer[] = [];
  let size = 0;
  let checked = false;
  const check = async () => {
    checked = true;
    const format = await detectDumpFormat(Buffer.concat(head, size));
    if (format.kind === "unknown") {
      throw new NbsError(
        "NOT_A_DUMP",
        `neo4j-admin's output does not start like a Neo4j dump (first bytes "${format.magic}")`,
        { hint: "check the Neo4j installation and its logs; nothing was committed" },
      );
    }
    onFormat(format);
  };
  const chunks = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await chunks.next().catch(async (error: unknown) => {
        // Stdout broke (the process was stopped): the process's own failure says why, if any.
        await exited;
        throw error;
      });
      if (next.done) break;
      if (checked) {
        yield next.value;
        continue;
      }
      head.push(next.value);
      size += next.value.length;
      if (size < DUMP_HEADER_BYTES) continue;
      await check();
      yield* head;
    }
  } finally {
    await chunks.return?.();
  }
  // The stream ends only for a dump that exited 0: a failed one fails with its own error (not
  // "empty" or "not a dump"), and output shorter than the header is checked whole.
  await exited;
  if (!checked && size > 0) {
    await check();
    yield* head;
  }
}

function tailLines(text: string, lines: number): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** neo4j-admin ends a failure with a generic footer; the line before it says what went wrong. */
function lastMeaningfulLine(text: string): string {
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  return lines.findLast((line) => !/^Run with '--verbose'/.test(line.trim())) ?? "";
}
