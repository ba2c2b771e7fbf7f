import { NbsError, isNbsError } from "@nbs/errors";
import { ExitCode, exitCodeFor } from "./exit-codes.js";
import type { CliLogger } from "./logger.js";
import { createRedactor, redactValue, secretValuesFrom } from "./redact.js";

export interface RunOptions {
  logger: CliLogger;
  /** Name of the final event, e.g. "upload.result". */
  event: string;
  /** Print the final result (or error) as one JSON document on this stream (`--json`). */
  jsonOut?: NodeJS.WritableStream | undefined;
  env?: Record<string, string | undefined>;
  /** Install SIGINT/SIGTERM handlers that abort the work (default true). */
  handleSignals?: boolean;
}

export interface Outcome {
  /** "uploaded", "skipped", "verified", "dry-run"… */
  outcome: string;
  [key: string]: unknown;
}

/**
 * Run one command: wire Ctrl-C to an AbortSignal, turn the result or error into the final
 * event and an exit code. Printing and exit-code decisions happen here and nowhere else.
 */
export async function runCommand(
  options: RunOptions,
  work: (signal: AbortSignal) => Promise<Outcome>,
): Promise<ExitCode> {
  const started = Date.now();
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(ExitCode.ABORTED);
    received = signal;
    options.logger.log("warn", "signal", {
      signal,
      message: "stopping; press Ctrl-C again to force",
    });
    controller.abort(new Error(`received ${signal}`));
  };
  if (options.handleSignals !== false) {
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  }
  const redact = createRedactor(secretValuesFrom(options.env ?? {}));
  const emitJson = (doc: unknown) =>
    options.jsonOut?.write(`${JSON.stringify(redactValue(doc, redact), null, 2)}\n`);
  try {
    const result = await work(controller.signal);
    const duration_ms = Date.now() - started;
    options.logger.log("info", options.event, { ...result, exit_code: ExitCode.OK, duration_ms });
    emitJson({ ok: true, ...result, exit_code: ExitCode.OK, duration_ms });
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
    return exit_code;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await options.logger.flush();
  }
}

/**
 * After SIGINT/SIGTERM, whatever the work failed with is an interruption (exit 130): a request
 * cut off by the abort surfaces as a storage or Neo4j error, which would send the operator
 * looking for a network or database problem that is not there.
 */
function asInterrupted(error: unknown, signal: NodeJS.Signals): unknown {
  if (isNbsError(error) && error.category === "ABORTED") return error;
  const what = error instanceof Error ? error.message : String(error);
  return new NbsError("INTERRUPTED", `interrupted by ${signal}: ${what}`, {
    hint: "re-run the same command; interrupted work is never reported as done",
    cause: error,
  });
}
