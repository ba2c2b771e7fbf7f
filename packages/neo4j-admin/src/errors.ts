import { NbsError } from "@nbs/errors";

export interface Neo4jCommandErrorDetails {
  /** The command line, with secrets already masked. */
  command: string;
  /** `null` when the process was killed by a signal or never started. */
  exitCode: number | null;
  /** The last lines of stderr (or stdout when stderr was empty), secrets masked. */
  outputTail: string;
  timedOut: boolean;
  /** True when the process could not be started at all (code NEO4J_NOT_RUNNABLE). */
  notRun?: boolean;
  hint?: string;
  cause?: unknown;
}

/**
 * A neo4j-admin / neo4j command that could not be started (code `NEO4J_NOT_RUNNABLE`), timed out
 * (`NEO4J_COMMAND_TIMEOUT`) or exited non-zero (`NEO4J_COMMAND_FAILED`).
 */
export class Neo4jCommandError extends NbsError {
  readonly command: string;
  readonly exitCode: number | null;
  readonly outputTail: string;
  readonly timedOut: boolean;

  constructor(message: string, details: Neo4jCommandErrorDetails) {
    super(
      details.notRun
        ? "NEO4J_NOT_RUNNABLE"
        : details.timedOut
          ? "NEO4J_COMMAND_TIMEOUT"
          : "NEO4J_COMMAND_FAILED",
      message,
      { hint: details.hint, cause: details.cause },
    );
    this.command = details.command;
    this.exitCode = details.exitCode;
    this.outputTail = details.outputTail;
    this.timedOut = details.timedOut;
  }
}
