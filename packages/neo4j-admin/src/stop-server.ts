import { NbsError, isNbsError, type NbsErrorCode } from "@nbs/errors";
import { serverCommand, type Neo4jInstallation } from "./installation.js";
import { runNeo4jCommand } from "./run-command.js";
import { serverRunning } from "./server-running.js";
import type { ProcessRunner } from "./runner.js";
import { procServerProcesses, type ServerProcesses } from "./server-processes.js";
import { manualStart } from "./service-control.js";

/** How long a failed stop's server is given to finish stopping before it is started again. */
const STOPPING_TIMEOUT_MS = 300_000;

export interface StopServerOptions {
  runner: ProcessRunner;
  /** Cancels the stop; the server may be stopping by then, so it is still started again. */
  signal?: AbortSignal | undefined;
  timeoutMs: number;
  /** Starts the server and waits until it answers. Called only after a failed stop. */
  start: () => Promise<void>;
  /** The codes of the two failures (a caller's own, e.g. RESTORE_STOP_FAILED). */
  codes: { stopFailed: NbsErrorCode; notRestarted: NbsErrorCode };
  /** What did not happen because the stop failed, e.g. "nothing was dumped". */
  consequence: string;
  /** Finds the server's processes. Default: /proc (Linux); `neo4j status` has the last word. */
  processes?: ServerProcesses;
  /** Default {@link STOPPING_TIMEOUT_MS}. */
  stoppingTimeoutMs?: number;
  /** Between two looks at the processes. Default 500 ms. */
  intervalMs?: number;
}

/**
 * `neo4j stop`, and on any failure make sure the server runs again. A stop that fails, times
 * out or is interrupted has usually sent SIGTERM already, so the server finishes stopping on its
 * own with nothing left to start it. Wait (bounded) until its processes are gone, start it, and
 * throw: the stop's own error when it was interrupted (the server runs again, nothing else
 * changed), `codes.stopFailed` for any other stop failure, `codes.notRestarted` when the server
 * did not come back. The waits and the start ignore the signal (a second Ctrl-C still forces).
 */
export async function stopServer(
  inst: Neo4jInstallation,
  options: StopServerOptions,
): Promise<void> {
  const stopError = await runNeo4jCommand(options.runner, serverCommand(inst, "stop"), {
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  }).then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  if (stopError === undefined) return;
  const startError = await untilGone(inst, options)
    .then(() => options.start())
    .then(
      () => undefined,
      (error: unknown) => error ?? new Error("the start failed"),
    );
  const failed = firstLine(stopError).replace(/\.$/, "");
  if (startError !== undefined) {
    throw new NbsError(
      options.codes.notRestarted,
      `${failed}, and Neo4j did not start again: ${firstLine(startError)}`,
      {
        hint: `start it by hand (${manualStart(inst)}) once it has stopped, and read its logs under ${inst.home}`,
        cause: new AggregateError([stopError, startError]),
      },
    );
  }
  if (isNbsError(stopError) && stopError.category === "ABORTED") throw stopError;
  throw new NbsError(
    options.codes.stopFailed,
    `${failed}; Neo4j was started again and ${options.consequence}`,
    {
      hint: "read Neo4j's logs; a stop waits for open transactions (NEO4J_SHUTDOWN_TIMEOUT, default 120 s): run when the database is quieter or raise it",
      cause: stopError,
    },
  );
}

/** Resolves once no process of the server runs; rejects after the bound. */
async function untilGone(inst: Neo4jInstallation, options: StopServerOptions): Promise<void> {
  const processes = options.processes ?? procServerProcesses;
  const timeoutMs = options.stoppingTimeoutMs ?? STOPPING_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = await stillRunning(inst, options.runner, processes);
    if (running.length === 0) return;
    if (Date.now() >= deadline)
      throw new Error(
        `it was still running ${Math.round(timeoutMs / 1000)} s after the stop (${running.join(", ")})`,
      );
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
  }
}

/**
 * What still runs of the server: its pids from /proc while any is found (cheap to ask again);
 * then `neo4j status` decides, by the pid file, as `neo4j start` will (a server started under
 * another spelling of its home is not found by /proc, and there may be no /proc at all).
 */
async function stillRunning(
  inst: Neo4jInstallation,
  runner: ProcessRunner,
  processes: ServerProcesses,
): Promise<string[]> {
  const pids = await processes.find(inst.home);
  if (pids !== undefined && pids.length > 0) return pids.map((pid) => `pid ${pid}`);
  return (await serverRunning(inst, { runner, timeoutMs: 120_000 }))
    ? ["neo4j status: running"]
    : [];
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
}
