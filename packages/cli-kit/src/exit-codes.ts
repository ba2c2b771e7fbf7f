import { isNbsError, type ErrorCategory } from "@nbs/errors";

/** Exit codes shared by nbs-upload and nbs-verify (docs/architecture.md §7). */
export const ExitCode = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  INPUT: 3,
  STORAGE: 4,
  INTEGRITY: 5,
  NEO4J: 6,
  HEALTH: 7,
  ABORTED: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

const BY_CATEGORY: Record<ErrorCategory, ExitCode> = {
  USAGE: ExitCode.USAGE,
  INPUT: ExitCode.INPUT,
  STORAGE: ExitCode.STORAGE,
  INTEGRITY: ExitCode.INTEGRITY,
  NEO4J: ExitCode.NEO4J,
  HEALTH: ExitCode.HEALTH,
  ABORTED: ExitCode.ABORTED,
  BUG: ExitCode.INTERNAL,
};

/** Any error that is not an NbsError is a bug: exit 1. */
export function exitCodeFor(error: unknown): ExitCode {
  return isNbsError(error) ? BY_CATEGORY[error.category] : ExitCode.INTERNAL;
}

/** The table printed at the end of `--help` and in the READMEs. */
export const EXIT_CODES_HELP = [
  "Exit codes:",
  "  0  success: uploaded, verified, skipped as already present, or dry-run plan printed",
  "  1  internal error (a bug): please report it with the printed stack",
  "  2  usage or configuration error",
  "  3  local input error: file missing, unreadable, empty, not a dump; local disk full or read-only",
  "  4  storage error: auth, access denied, missing bucket, network after retries",
  "  5  integrity failure: checksum, size or metadata mismatch; conflicting existing object",
  "  6  Neo4j failure: dump, check, load or smoke query failed",
  "  7  nbs-verify status: a backup is missing, stale, unverified for too long, or shrank",
  "  130 interrupted (SIGINT/SIGTERM): work stopped and temporary state cleaned up",
  "Each failure also names a specific error code (`code` in the logs and --json output);",
  "every code with its meaning and fix: docs/errors.md",
].join("\n");
