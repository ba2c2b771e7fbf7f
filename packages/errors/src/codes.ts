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
  // --- ops: nbs-verify list / restore ---
  BUCKET_REQUIRED: "USAGE", // no --bucket / BACKUP_S3_BUCKET for a command that reads the store
  BUCKET_NAME_INVALID: "USAGE", // --bucket is not a valid S3 bucket name
  DB_NAME_INVALID: "USAGE", // --db is not a valid Neo4j database name
  REGION_REQUIRED: "USAGE", // no AWS region and no --endpoint to default one from
  RESTORE_SOURCE_REQUIRED: "USAGE", // restore given no source, or more than one
  RESTORE_NEO4J_REQUIRED: "USAGE", // restore without --neo4j-home, --neo4j-uri or NEO4J_PASSWORD
  RESTORE_TARGET_NOT_EMPTY: "USAGE", // the target database holds nodes and --force was not given
  RESTORE_TARGET_UNKNOWN: "USAGE", // Neo4j is not running, so emptiness cannot be checked, and no --force
  RESTORE_UNVERIFIED: "INTEGRITY", // nothing to compare the dump's sha256 with: never loaded
  RESTORE_BYTES_MISMATCH: "INTEGRITY", // the download differs from its sidecar / --sha256 / object: never loaded
  RESTORE_NOT_A_DUMP: "INTEGRITY", // the verified bytes are not a Neo4j dump (format by magic bytes)
  RESTORE_NEO4J_UNREACHABLE: "NEO4J", // the target Neo4j did not answer over Bolt before anything changed
  RESTORE_STOP_FAILED: "NEO4J", // `neo4j stop` failed; nothing was loaded
  RESTORE_LOAD_FAILED: "NEO4J", // `neo4j-admin database load` failed; Neo4j was started again
  RESTORE_RESTART_FAILED: "NEO4J", // Neo4j did not start (or answer on Bolt) after the load
  RESTORE_COUNTS_DIFFER: "NEO4J", // counts after the restore differ from the sidecar's stats
  RESTORE_COUNT_FAILED: "NEO4J", // the restored database could not be counted after the start
  RESTORE_FILE_UNREADABLE: "INPUT", // the --file to restore could not be read
  RESTORE_INTERRUPTED: "ABORTED", // SIGINT/SIGTERM during the restore
  // --- end ops ---
} as const satisfies Record<string, ErrorCategory>;

export type NbsErrorCode = keyof typeof ERROR_CODES;
