import { basename } from "node:path";
import { isNbsError } from "@nbs/errors";
import { Neo4jCommandError } from "./errors.js";
import type { Neo4jCommand } from "./installation.js";
import { redactArgs, redactText } from "./redact.js";
import type { ProcessRunner, RunResult } from "./runner.js";

export interface RunCommandOptions {
  cwd?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Exit codes that count as success. Default [0]. */
  okExitCodes?: readonly number[];
}

const TAIL_LINES = 20;

/** Run a built command; throw {@link Neo4jCommandError} (secrets masked) unless it succeeded. */
export async function runNeo4jCommand(
  runner: ProcessRunner,
  command: Neo4jCommand,
  options: RunCommandOptions = {},
): Promise<RunResult> {
  const shown = [basename(command.file), ...redactArgs(command.args, command.secrets)].join(" ");
  let result: RunResult;
  try {
    result = await runner.run(command.file, command.args, {
      env: command.env,
      ...(command.jvmFlags ? { jvmFlags: command.jvmFlags } : {}),
      cwd: options.cwd,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
  } catch (error) {
    if (isNbsError(error) && error.category === "ABORTED") throw error;
    throw new Neo4jCommandError(`could not run ${shown}`, {
      command: shown,
      exitCode: null,
      outputTail: "",
      timedOut: false,
      notRun: true,
      hint: "check that the Neo4j installation directory is complete and java is on PATH",
      cause: error,
    });
  }
  const ok = options.okExitCodes ?? [0];
  if (!result.timedOut && result.exitCode !== null && ok.includes(result.exitCode)) return result;

  // The java launcher's "NOTE: Picked up JDK_JAVA_OPTIONS: …" (our short-lived JVM flags, or the
  // operator's own) is no failure: without it, an empty stderr still means "the error is on stdout".
  const stderr = result.stderr
    .split("\n")
    .filter((line) => !JDK_OPTIONS_NOTE.test(line))
    .join("\n");
  const output = stderr.trim() === "" ? result.stdout : stderr;
  const outputTail = redactText(tail(output, TAIL_LINES), command.secrets);
  const what = result.timedOut
    ? `timed out after ${options.timeoutMs ?? 0} ms`
    : `exited with ${result.exitCode ?? "a signal"}`;
  throw new Neo4jCommandError(`${shown} ${what}${outputTail ? `: ${lastLine(outputTail)}` : ""}`, {
    command: shown,
    exitCode: result.exitCode,
    outputTail,
    timedOut: result.timedOut,
    hint: result.timedOut
      ? "raise the timeout or check the Neo4j logs"
      : "see the output tail and the Neo4j logs",
  });
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

const JDK_OPTIONS_NOTE = /^NOTE: Picked up (JDK_JAVA_OPTIONS|JAVA_TOOL_OPTIONS): /;

/** neo4j-admin ends a failure with a generic footer; the line before it says what went wrong. */
const FOOTER = /^Run with '--verbose'/;

function lastLine(text: string): string {
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  return lines.findLast((line) => !FOOTER.test(line.trim())) ?? lines.at(-1) ?? "";
}
