/**
 * Stable, machine-readable error codes shared by every nbs package. Apps map them to exit
 * codes (docs/architecture.md §7); code paths branch on `code`, never on message text.
 */
export type NbsErrorCode =
  | "USAGE" // bad flag or configuration
  | "INPUT" // local file missing, unreadable, empty, not a dump; local disk full or read-only
  | "STORAGE" // auth, access denied, missing bucket, network after retries
  | "INTEGRITY" // checksum, size or metadata mismatch; conflicting object
  | "NEO4J" // dump, check, load or smoke query failed
  | "ABORTED"; // cancelled by a signal

export interface NbsErrorOptions {
  hint?: string;
  cause?: unknown;
}

/** The one error base class: a stable `code`, a one-line message, and a `hint` saying what to do. */
export class NbsError extends Error {
  readonly code: NbsErrorCode;
  readonly hint: string | undefined;

  constructor(code: NbsErrorCode, message: string, options: NbsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }
}

export function isNbsError(value: unknown): value is NbsError {
  return value instanceof NbsError;
}
