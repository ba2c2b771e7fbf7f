import { ERROR_CODES, type ErrorCategory, type NbsErrorCode } from "./codes.js";

export interface NbsErrorOptions {
  hint?: string;
  cause?: unknown;
}

/**
 * The one error class of nbs: a specific, stable `code` (what went wrong; docs/errors.md), the
 * `category` it belongs to (which exit code an app maps it to; docs/architecture.md §7), a
 * one-line message and a `hint` saying what to do. Code paths branch on `code` or `category`,
 * never on message text.
 */
export class NbsError extends Error {
  readonly code: NbsErrorCode;
  readonly category: ErrorCategory;
  readonly hint: string | undefined;

  constructor(code: NbsErrorCode, message: string, options: NbsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.category = ERROR_CODES[code];
    this.hint = options.hint;
  }
}

export function isNbsError(value: unknown): value is NbsError {
  return value instanceof NbsError;
}
