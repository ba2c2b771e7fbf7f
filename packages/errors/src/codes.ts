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
  // --- stream branch: dump streamed to S3 ---
  /** A streamed dump outgrew part size × 10,000 parts (S3's part limit): raise --part-size. */
  STREAM_TOO_LARGE: "INPUT",
  /** The streamed source ended before its first byte: nothing to store. */
  STREAM_EMPTY: "INPUT",
  /** The first bytes of a streamed dump are not a Neo4j dump. */
  STREAM_NOT_A_DUMP: "INPUT",
  /** The target key (or its sidecar) already exists; nbs never overwrites a backup. */
  KEY_CONFLICT: "INTEGRITY",
  /** The store recorded another CRC32 for a part than the bytes nbs sent. */
  PART_CHECKSUM_MISMATCH: "INTEGRITY",
  /** The sidecar just written did not read back as written: the backup is not committed. */
  SIDECAR_READBACK_MISMATCH: "INTEGRITY",
  /** A required option is missing. */
  MISSING_OPTION: "USAGE",
  /** Options that cannot be combined, or an invalid value. */
  INVALID_OPTION: "USAGE",
  /** `neo4j-admin database dump --to-stdout` failed (exit code, signal or timeout). */
  DUMP_FAILED: "NEO4J",
  /** Streamed dumps (`--to-stdout`) need Neo4j 5 or later. */
  STREAM_UNSUPPORTED_VERSION: "USAGE",
  /** The graph could not be counted before the dump (Bolt, credentials). */
  STATS_FAILED: "NEO4J",
  /** Neo4j did not come back after the dump: start it by hand. */
  NEO4J_RESTART_FAILED: "NEO4J",
  // --- end stream branch ---
} as const satisfies Record<string, ErrorCategory>;

export type NbsErrorCode = keyof typeof ERROR_CODES;
