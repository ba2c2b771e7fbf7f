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
  // --- branch lib: @nbs/s3-store and the upload path ---
  BUCKET_NAME_INVALID: "USAGE", // not a valid S3 bucket name
  SSE_MODE_INVALID: "USAGE", // SSE mode other than AES256, aws:kms, none
  SSE_NOT_HONOURED: "USAGE", // the store accepted a write but did not apply the requested SSE
  PART_SIZE_INVALID: "USAGE", // part size outside S3's 5 MiB..5 GiB
  MAX_ATTEMPTS_INVALID: "USAGE", // --max-attempts not a positive integer
  CA_BUNDLE_INVALID: "USAGE", // --ca-bundle unreadable or holds no parseable certificate
  RETENTION_INVALID: "USAGE", // retention rule without a prefix or with a bad number of days
  SETTING_MISSING: "USAGE", // a required setting (--file, --bucket, region) was not given
  DB_NAME_INVALID: "USAGE", // database name unusable in a key
  FILE_NOT_FOUND: "INPUT", // the local dump does not exist
  FILE_UNREADABLE: "INPUT", // the local dump (or its local sidecar) cannot be opened or read
  FILE_NOT_REGULAR: "INPUT", // --file is a directory, device…
  FILE_EMPTY: "INPUT", // the local dump has 0 bytes
  FILE_TOO_LARGE: "INPUT", // over S3's 5 TiB object limit
  FILE_CHANGED: "INPUT", // the dump grew, shrank or was rewritten while it was read
  NOT_A_DUMP: "INPUT", // the file does not start like a Neo4j dump (see --allow-any-file)
  COMPRESS_FAILED: "INPUT", // writing the compressed temp copy failed (space in TMPDIR)
  BUCKET_NOT_FOUND: "STORAGE", // NoSuchBucket
  NO_SUCH_KEY: "STORAGE", // the object asked for is not in the bucket
  ACCESS_DENIED: "STORAGE", // 403 from the store (IAM policy, bucket policy)
  CREDENTIALS_MISSING: "STORAGE", // the SDK's default chain found no credentials
  CREDENTIALS_REJECTED: "STORAGE", // unknown access key, wrong secret, expired token
  KMS_KEY_UNUSABLE: "STORAGE", // the KMS key is missing, disabled or not usable by these credentials
  TLS_FAILED: "STORAGE", // certificate expired / untrusted / wrong host, or the endpoint is not TLS
  TIMEOUT: "STORAGE", // the store did not answer or stopped sending, after the retries
  NETWORK: "STORAGE", // no HTTP answer at all (refused, reset, DNS), after the retries
  CORRUPTED_IN_TRANSIT: "STORAGE", // the store rejected bytes that did not match their checksum
  STORE_ERROR: "STORAGE", // any other error answer of the store, after the retries
  KEY_CONFLICT: "INTEGRITY", // the key already holds (or just got) different content; not overwritten
  SIDECAR_INVALID: "INTEGRITY", // a stored .meta.json that does not validate
  BACKUP_DUMP_MISSING: "INTEGRITY", // a sidecar commits a dump object that is gone
  STORED_OBJECT_CHANGED: "INTEGRITY", // a committed object no longer matches its sidecar
  STORED_CHECKSUM_MISMATCH: "INTEGRITY", // what the store recorded differs from what was sent
  SSE_MISMATCH: "INTEGRITY", // an object in place is encrypted differently than requested
  LOCAL_SIDECAR_INVALID: "INTEGRITY", // <dump>.meta.json next to the dump does not validate
  LOCAL_CHECKSUM_MISMATCH: "INTEGRITY", // the dump's sha256 differs from the one its local sidecar recorded
  NOT_COMMITTED: "INTEGRITY", // the sidecar did not read back as written
  INTERRUPTED: "ABORTED", // a signal stopped the work; nothing was committed
  CREATED_AT_INVALID: "USAGE", // a dump creation time that is not a date
  // --- end branch lib ---
} as const satisfies Record<string, ErrorCategory>;

export type NbsErrorCode = keyof typeof ERROR_CODES;
