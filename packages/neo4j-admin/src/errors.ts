import { NbsError, type NbsErrorCode } from "@nbs/errors";

export interface Neo4jCommandErrorDetails {
  /** The command line, with secrets already masked. */
  command: string;
  /** `null` when the process was killed by a signal or never started. */
  exitCode: number | null;
  /** The last lines of stderr (or stdout when stderr was empty), secrets masked. */
  outputTail: string;
  timedOut: boolean;
  hint?: string;
  cause?: unknown;
  /** A specific code (default the generic NEO4J). */
  code?: NbsErrorCode;
}

/** A neo4j-admin / neo4j command that failed to start, timed out or exited non-zero. */
export class Neo4jCommandError extends NbsError {
  readonly command: string;
  readonly exitCode: number | null;
  readonly outputTail: string;
  readonly timedOut: boolean;

  constructor(message: string, details: Neo4jCommandErrorDetails) {
    super(details.code ?? "NEO4J", message, { hint: details.hint, cause: details.cause });
    this.command = details.command;
    this.exitCode = details.exitCode;
    this.outputTail = details.outputTail;
    this.timedOut = details.timedOut;
  }
}
