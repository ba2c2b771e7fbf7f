import { NbsError, isNbsError, type NbsErrorCode } from "@nbs/errors";
import { ExitCode, exitCodeFor } from "./exit-codes.js";
import type { Healthcheck } from "./healthcheck.js";
import type { CliLogger } from "./logger.js";
import { createRedactor, redactValue, secretValuesFrom } from "./redact.js";

export interface RunOptions {
  logger: CliLogger;
  /** Name of the final event, e.g. "upload.result". */
  event: string;
  /** Print the final result (or error) as one JSON document on this stream (`--json`). */
  jsonOut?: NodeJS.WritableStream | undefined;
  env?: Record<string, string | undefined>;
  /**
   * Aborted by the bin entry on the first SIGINT/SIGTERM, with the signal's name as reason
   * (`startCli` in `@nbs/cli-kit/startup`, which also forces the exit on the second one). The
   * work is then aborted and whatever it fails with is reported as an interruption (exit 130),
   * except what a signal cannot undo (a Neo4j left down, a database replaced: exit 6).
   */
  interrupt?: AbortSignal | undefined;
  /** Last touch to the `--json` document before it is redacted and printed (e.g. add a report). */
  renderJson?: ((doc: JsonDocument) => JsonDocument) | undefined;
  /**
   * Called once the run's outcome is known (e.g. to publish metrics). What it throws is logged
   * as a warning: it never changes the exit code.
   */
  afterRun?: ((run: FinishedRun) => Promise<void>) | undefined;
  /** Dead-man pings (NBS_HEALTHCHECK_URL): start before the work, the exit code after it. */
  healthcheck?: Healthcheck | undefined;
}

/** How a run ended, for what happens after it (metrics). */
export type FinishedRun = (
  | { ok: true; result: Outcome; error?: undefined }
  | { ok: false; result?: undefined; error: unknown }
) & { exitCode: number; endedAt: Date; durationMs: number };

/** What `--json` prints: `{ ok: true, ...outcome }` or `{ ok: false, error }`, with exit code and duration. */
export interface JsonDocument {
  ok: boolean;
  exit_code: number;
  duration_ms: number;
  [key: string]: unknown;
}

export interface Outcome {
  /** "uploaded", "skipped", "verified", "dry-run"… */
  outcome: string;
  [key: string]: unknown;
}

/**
 * Run one command: wire the interrupt (Ctrl-C) to the work's AbortSignal, turn the result or
 * error into the final event and an exit code. Printing and exit-code decisions happen here and
 * nowhere else; process handling (signal handlers, exit) lives in the bin entry only.
 */
export async function runCommand(
  options: RunOptions,
  work: (signal: AbortSignal) => Promise<Outcome>,
): Promise<ExitCode> {
  const started = Date.now();
  const controller = new AbortController();
  let received: string | undefined;
  const interrupt = options.interrupt;
  const onInterrupt = () => {
    const signal = typeof interrupt?.reason === "string" ? interrupt.reason : "SIGINT";
    received = signal;
    options.logger.log("warn", "signal", {
      signal,
      message: "stopping; press Ctrl-C again to force",
    });
    controller.abort(new Error(`received ${signal}`));
  };
  if (interrupt?.aborted) onInterrupt();
  else interrupt?.addEventListener("abort", onInterrupt, { once: true });
  const redact = createRedactor(secretValuesFrom(options.env ?? {}));
  const render = options.renderJson ?? ((doc: JsonDocument) => doc);
  const emitJson = (doc: JsonDocument) =>
    options.jsonOut?.write(`${JSON.stringify(redactValue(render(doc), redact), null, 2)}\n`);
  try {
    await options.healthcheck?.start();
    const result = await work(controller.signal);
    const duration_ms = Date.now() - started;
    options.logger.log("info", options.event, { ...result, exit_code: ExitCode.OK, duration_ms });
    emitJson({ ok: true, ...result, exit_code: ExitCode.OK, duration_ms });
    await options.healthcheck?.finish(ExitCode.OK);
    await after(options, {
      ok: true,
      result,
      exitCode: ExitCode.OK,
      endedAt: new Date(),
      durationMs: duration_ms,
    });
    return ExitCode.OK;
  } catch (thrown) {
    const error = received === undefined ? thrown : asInterrupted(thrown, received);
    const exit_code = exitCodeFor(error);
    const duration_ms = Date.now() - started;
    if (isNbsError(error)) {
      options.logger.log("error", options.event, {
        outcome: "failed",
        code: error.code,
        category: error.category,
        message: error.message,
        hint: error.hint,
        exit_code,
        duration_ms,
      });
      emitJson({
        ok: false,
        error: {
          code: error.code,
          category: error.category,
          message: error.message,
          hint: error.hint,
        },
        exit_code,
        duration_ms,
      });
    } else {
      const e = error instanceof Error ? error : new Error(String(error));
      options.logger.log("error", options.event, {
        outcome: "failed",
        code: "INTERNAL",
        message: `internal error: ${e.message}`,
        hint: "this is a bug in nbs; please report it with this output",
        stack: e.stack,
        exit_code,
        duration_ms,
      });
      emitJson({
        ok: false,
        error: { code: "INTERNAL", message: e.message },
        exit_code,
        duration_ms,
      });
    }
    await options.healthcheck?.finish(exit_code, isNbsError(error) ? error.code : "INTERNAL");
    await after(options, {
      ok: false,
      error,
      exitCode: exit_code,
      endedAt: new Date(),
      durationMs: duration_ms,
    });
    return exit_code;
  } finally {
    interrupt?.removeEventListener("abort", onInterrupt);
    await options.logger.flush();
  }
}

/**
 * What a signal cannot undo: a Neo4j left down, a database already replaced. These keep their
 * own code and exit (6), never "interrupted, nothing committed".
 */
const OUTLIVES_SIGNAL: ReadonlySet<NbsErrorCode> = new Set<NbsErrorCode>([
  "NEO4J_NOT_RESTARTED",
  "RESTORE_RESTART_FAILED",
  "RESTORE_UNFINISHED",
]);

/**
 * After SIGINT/SIGTERM, whatever the work failed with is an interruption (exit 130): a request
 * cut off by the abort surfaces as a storage or Neo4j error, which would send the operator
 * looking for a network or database problem that is not there.
 */
function asInterrupted(error: unknown, signal: string): unknown {
  if (isNbsError(error) && (error.category === "ABORTED" || OUTLIVES_SIGNAL.has(error.code)))
    return error;
  const what = error instanceof Error ? error.message : String(error);
  return new NbsError("INTERRUPTED", `interrupted by ${signal}: ${what}`, {
    hint: "re-run the same command; interrupted work is never reported as done",
    cause: error,
  });
}

async function after(options: RunOptions, run: FinishedRun): Promise<void> {
  try {
    await options.afterRun?.(run);
  } catch (error) {
    options.logger.log("warn", "run.after.failed", {
      message: `${error instanceof Error ? error.message : String(error)}; the run's outcome is unchanged`,
    });
  }
}
