/**
 * Exit classes: each maps to one exit code of both CLIs (docs/architecture.md §7).
 * BUG is a broken invariant inside nbs (exit 1), never a user's mistake.
 */
export type ErrorCategory =
  | "USAGE" // bad flag or configuration
  | "INPUT" // local file missing, unreadable, empty, not a dump; local disk full or read-only
  | "STORAGE" // auth, access denied, missing bucket, network after retries
  | "INTEGRITY" // checksum, size or metadata mismatch; conflicting object
  | "NEO4J" // dump, check, load or smoke query failed
  | "ABORTED" // cancelled by a signal
  | "BUG"; // an nbs invariant broke

/**
 * Every specific error code and its exit class. Codes are stable: they appear in JSON logs and
 * reports, and scripts may branch on them. Add codes; never rename or re-class one.
 * The list with meanings and fixes is docs/errors.md (a test keeps the two in step).
 */
export const ERROR_CODES = {
  // transitional generic codes (one per category), replaced by specific ones
  USAGE: "USAGE",
  INPUT: "INPUT",
  STORAGE: "STORAGE",
  INTEGRITY: "INTEGRITY",
  NEO4J: "NEO4J",
  ABORTED: "ABORTED",
  // --- branch schema ---
  // a restored database lacks (or changed) an index or constraint the sidecar recorded at dump time
  SCHEMA_MISMATCH: "NEO4J",
  // --- end branch schema ---
} as const satisfies Record<string, ErrorCategory>;

export type NbsErrorCode = keyof typeof ERROR_CODES;
