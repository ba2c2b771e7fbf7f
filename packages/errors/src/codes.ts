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
  | "HEALTH" // nbs-verify status: a freshness, verification or shrink threshold does not hold
  | "BUG"; // an nbs invariant broke

/**
 * Every specific error code and its exit class. Codes are stable: they appear in JSON logs and
 * reports, and scripts may branch on them. Add codes; never rename or re-class one.
 * The list with meanings and fixes is docs/errors.md (a test keeps the two in step).
 */
export const ERROR_CODES = {
  // --- codes branch: specific codes outside s3-store ---
  // command line and configuration
  FLAG_INVALID: "USAGE", // an unknown flag, a missing flag value, or a bad command
  FLAG_REPEATED: "USAGE", // a flag was given more than once
  FLAGS_CONFLICT: "USAGE", // two flags (or settings) that exclude each other were both given
  SETTING_MISSING: "USAGE", // a required setting (flag, env or config key) is not set
  SETTING_INVALID: "USAGE", // a setting has the wrong form (size, duration, number, choice, boolean)
  CONFIG_FILE_UNREADABLE: "USAGE", // the --config file cannot be read
  CONFIG_FILE_INVALID: "USAGE", // the --config file is not a JSON object of known keys
  REGION_MISSING: "USAGE", // S3 access needs an AWS region and none is configured
  BUCKET_NAME_INVALID: "USAGE", // not a valid S3 bucket name
  S3_URI_INVALID: "USAGE", // not an s3://bucket/key URI
  DB_NAME_INVALID: "USAGE", // not a valid Neo4j database name
  PREFIX_INVALID: "USAGE", // a key prefix with an unsafe segment
  SHA256_INVALID: "USAGE", // a given sha256 is not 64 hex digits
  REPORT_NOT_WRITABLE: "USAGE", // the --report or --summary-md path cannot be written
  RETENTION_NOT_CONFIGURED: "USAGE", // retention without --days / BACKUP_RETENTION_DAYS
  S3_CLIENT_MISSING: "USAGE", // a library call on stored backups was given no S3 client
  // Neo4j installation and ephemeral instances (caller's choices)
  NEO4J_HOME_REQUIRED: "USAGE", // the step needs a Neo4j installation and none was given
  NEO4J_NOT_FOUND: "USAGE", // no installation given and neo4j-admin is not on the search path
  NEO4J_HOME_INVALID: "USAGE", // the given Neo4j home lacks an executable bin/neo4j-admin or bin/neo4j
  NEO4J_SERVICE_INVALID: "USAGE", // --neo4j-service is not a systemd unit name
  NOT_EPHEMERAL_HOME: "USAGE", // refused to load into or delete a home nbs did not create
  INSTANCE_STATE_INVALID: "USAGE", // an ephemeral instance was used out of order (e.g. load while running)
  // local files and disks
  FILE_NOT_FOUND: "INPUT", // the local file does not exist
  FILE_UNREADABLE: "INPUT", // the local file exists but cannot be read
  NOT_A_FILE: "INPUT", // the path is a directory or another non-regular file
  FILE_EMPTY: "INPUT", // the local file has no bytes
  NOT_A_DUMP: "INPUT", // the file does not look like a neo4j-admin dump
  SIDECAR_UNREADABLE: "INPUT", // a local .meta.json exists but cannot be read
  OUT_DIR_NOT_WRITABLE: "INPUT", // the dump's --out-dir cannot be created or written
  WORK_DIR_NOT_WRITABLE: "INPUT", // the verify workspace cannot be written
  DUMP_EXISTS: "INPUT", // a dump of that name is already in the out-dir
  DISK_FULL: "INPUT", // no space left on the local disk for the dump, download or restore
  LOCAL_WRITE_FAILED: "INPUT", // writing a local file (sidecar) failed for another reason
  COMPRESS_FAILED: "INPUT", // compressing the local dump before upload failed
  // integrity of a backup
  SIDECAR_INVALID: "INTEGRITY", // a .meta.json does not match the schema
  SET_MANIFEST_INVALID: "INTEGRITY", // a set manifest under <prefix>/sets/ does not parse: nothing restored
  NOT_COMMITTED: "INTEGRITY", // the named dump has no .meta.json: never committed
  NO_COMMITTED_BACKUP: "INTEGRITY", // --latest found no committed backup under the prefix
  NEWEST_BACKUP_BROKEN: "INTEGRITY", // --latest: the newest backup is broken; older ones are not used instead
  SIZE_MISMATCH: "INTEGRITY", // the bytes read have another size than recorded
  STORED_CHECKSUM_MISMATCH: "INTEGRITY", // the bytes read have another sha256 than the sidecar or object records
  REFERENCE_CHECKSUM_MISMATCH: "INTEGRITY", // the bytes read have another sha256 than --sha256
  OBJECT_METADATA_MISMATCH: "INTEGRITY", // the object's metadata disagrees with its sidecar (e.g. db name)
  DECOMPRESS_FAILED: "INTEGRITY", // the stored bytes do not decompress as the sidecar says
  UNVERIFIED: "INTEGRITY", // nothing to compare the sha256 with: no sidecar and no --sha256
  // Neo4j
  NEO4J_COMMAND_FAILED: "NEO4J", // neo4j-admin or neo4j exited non-zero
  NEO4J_COMMAND_TIMEOUT: "NEO4J", // neo4j-admin or neo4j did not finish within its time limit
  NEO4J_NOT_RUNNABLE: "NEO4J", // neo4j-admin or neo4j could not be started at all (java, files)
  NEO4J_VERSION_UNKNOWN: "NEO4J", // no version in neo4j-admin's output
  NEO4J_VERSION_UNSUPPORTED: "NEO4J", // a Neo4j version nbs does not drive
  NEO4J_START_TIMEOUT: "NEO4J", // Neo4j did not answer on Bolt in time
  NEO4J_EXITED: "NEO4J", // the Neo4j server process died while starting
  NEO4J_NOT_STOPPED: "NEO4J", // the ephemeral Neo4j did not exit after SIGKILL at cleanup
  NEO4J_NOT_RESTARTED: "NEO4J", // after a dump, the operator's Neo4j did not start again
  STATS_FAILED: "NEO4J", // counting the graph before a dump failed
  DUMP_LOAD_FAILED: "NEO4J", // the dump did not load into an ephemeral Neo4j
  CONSISTENCY_CHECK_FAILED: "NEO4J", // neo4j-admin found the restored database inconsistent
  RESTORE_START_FAILED: "NEO4J", // the ephemeral Neo4j did not start with the restored database
  COUNT_QUERY_FAILED: "NEO4J", // counting the restored graph failed
  COUNTS_MISMATCH: "NEO4J", // the restored graph's counts differ from the sidecar's exact stats
  SMOKE_QUERY_FAILED: "NEO4J", // the --smoke-query raised an error
  SMOKE_QUERY_TOO_FEW_ROWS: "NEO4J", // the --smoke-query returned fewer rows than --expect-min-rows
  // signals
  INTERRUPTED: "ABORTED", // SIGINT/SIGTERM or a cancelled AbortSignal; nothing was committed
  // --- end codes branch ---
  // --- branch schema ---
  // a restored database lacks (or changed) an index or constraint the sidecar recorded at dump time
  SCHEMA_MISMATCH: "NEO4J",
  // --- end branch schema ---
  // --- ops: nbs-verify list / restore ---
  BUCKET_REQUIRED: "USAGE", // no --bucket / BACKUP_S3_BUCKET for a command that reads the store
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
  RESTORE_COUNTS_DIFFER: "NEO4J", // the dump, proven in an ephemeral Neo4j before the stop, has other counts than the sidecar
  RESTORE_COUNT_FAILED: "NEO4J", // after the start the restored database is not online, or cannot be read
  RESTORE_FILE_UNREADABLE: "INPUT", // the --file to restore could not be read
  RESTORE_INTERRUPTED: "ABORTED", // SIGINT/SIGTERM during the restore
  RESTORE_SERVER_MISMATCH: "USAGE", // --neo4j-uri is served by another Neo4j than --neo4j-home's: nothing stopped
  RESTORE_SERVER_UNPROVEN: "USAGE", // the server at --neo4j-uri would not show its home/data directory (not an admin user)
  RESTORE_DB_MISMATCH: "USAGE", // the backup's db_name is not --db (and no --as-db): nothing stopped
  RESTORE_DB_NAME_INVALID: "USAGE", // the target database name breaks Neo4j's naming rules
  RESTORE_VERSION_INCOMPATIBLE: "USAGE", // the dump is of a newer Neo4j than the target: refused before the stop
  RESTORE_DISK_SPACE_LOW: "INPUT", // the data directory has less free space than the dump needs: nothing stopped
  RESTORE_SAFETY_COPY_FAILED: "NEO4J", // the safety copy of the data to replace failed: nothing loaded, Neo4j started again
  // --- end ops ---

  // --- branch lib: @nbs/s3-store and the upload path ---
  SSE_MODE_INVALID: "USAGE", // an SSE mode other than AES256, aws:kms, none (or a KMS key without aws:kms)
  SSE_NOT_HONOURED: "USAGE", // the store accepted a write but did not apply the requested SSE
  PART_SIZE_INVALID: "USAGE", // a part size outside S3's 5 MiB..5 GiB
  MAX_ATTEMPTS_INVALID: "USAGE", // max attempts not a positive integer
  CA_BUNDLE_INVALID: "USAGE", // the CA bundle is unreadable or holds no parseable certificate
  RETENTION_INVALID: "USAGE", // a retention rule without a prefix or with a bad number of days
  CREATED_AT_INVALID: "USAGE", // a dump creation time that is not a date
  FILE_TOO_LARGE: "INPUT", // over S3's 5 TiB object limit
  FILE_CHANGED: "INPUT", // the dump grew, shrank or was rewritten while it was read
  BUCKET_NOT_FOUND: "STORAGE", // the bucket does not exist (NoSuchBucket)
  NO_SUCH_KEY: "STORAGE", // the object asked for is not in the bucket
  ACCESS_DENIED: "STORAGE", // 403 from the store (IAM policy, bucket policy)
  CREDENTIALS_MISSING: "STORAGE", // the SDK's default chain found no credentials
  CREDENTIALS_REJECTED: "STORAGE", // unknown access key, wrong secret
  CREDENTIALS_EXPIRED: "STORAGE", // the session token expired before the run ended (ExpiredToken)
  KMS_KEY_UNUSABLE: "STORAGE", // the KMS key is missing, disabled or not usable by these credentials
  TLS_FAILED: "STORAGE", // certificate expired / untrusted / for another host, or the endpoint is not TLS
  TIMEOUT: "STORAGE", // the store did not answer or stopped sending, after the retries
  NETWORK: "STORAGE", // no HTTP answer at all (refused, reset, DNS), after the retries
  CORRUPTED_IN_TRANSIT: "STORAGE", // the store rejected bytes that did not match their checksum
  STORE_ERROR: "STORAGE", // any other error answer of the store, after the retries
  KEY_CONFLICT: "INTEGRITY", // the key already holds (or just got) different content; not overwritten
  BACKUP_DUMP_MISSING: "INTEGRITY", // a sidecar commits a dump object that is gone
  STORED_OBJECT_CHANGED: "INTEGRITY", // a committed object no longer matches its sidecar
  SSE_MISMATCH: "INTEGRITY", // an object in place or just uploaded is encrypted differently than requested
  LOCAL_CHECKSUM_MISMATCH: "INTEGRITY", // the dump's sha256 differs from the one its local sidecar recorded
  // --- end branch lib ---

  // --- restart branch: whatever stopped Neo4j starts it again ---
  NEO4J_STOP_FAILED: "NEO4J", // `neo4j stop` failed or timed out before a dump; Neo4j was started again, nothing dumped
  RESTORE_UNFINISHED: "NEO4J", // SIGINT/SIGTERM after the load began: the database was replaced, the restore not finished
  // --- end restart branch ---

  // --- stream branch: a dump streamed to S3 (nbs-upload dump --to-s3) ---
  STREAM_TOO_LARGE: "INPUT", // a streamed dump outgrew part size × 10,000 parts (S3's part limit)
  STREAM_EMPTY: "INPUT", // the streamed source ended before its first byte
  // --- end stream branch ---

  // --- prune branch: keep-rule retention (nbs-upload prune) ---
  PRUNE_NO_RULES: "USAGE", // prune was given no keep rule (it would keep only what the guards keep)
  // --- end prune branch ---

  // --- proofs branch: what a loaded dump is proven to hold ---
  TRANSACTION_MISMATCH: "NEO4J", // the loaded store's last transaction differs from the sidecar's dumped_at_tx
  INDEX_FAILED: "NEO4J", // an index of the loaded or restored database is FAILED
  INDEX_NOT_ONLINE: "NEO4J", // an index was still POPULATING when the bounded wait ended
  // --- end proofs branch ---

  // --- lock branch: S3 Object Lock (immutable backups) ---
  OBJECT_LOCK_INVALID: "USAGE", // --object-lock without --object-lock-days (or the reverse), or a retain-until not in the future
  OBJECT_LOCK_NOT_ENABLED: "USAGE", // a lock was asked for but the bucket has no Object Lock: nothing sent
  OBJECT_LOCK_NO_DEFAULT: "USAGE", // --object-lock bucket but the bucket has no default retention: nothing sent
  OBJECT_LOCK_NOT_HONOURED: "USAGE", // the store accepted the write but the object carries no (or a shorter) retention
  OBJECT_LOCK_MISSING: "INTEGRITY", // verify: a backup recorded as locked no longer carries that retention
  // --- end lock branch ---
  // --- records branch: verification records (nbs-verify --record) ---
  VERIFY_RECORD_FAILED: "STORAGE", // the backup verified, but its verification record could not be written
  // --- end records branch ---

  // --- status branch: nbs-verify status (issue 22) ---
  NO_BACKUP: "HEALTH", // status: a database under the prefix has no committed backup at all
  BACKUP_STALE: "HEALTH", // status: the newest committed backup is older than --max-age
  VERIFY_STALE: "HEALTH", // status: no verification of the database's backups within --max-verify-age
  BACKUP_SHRANK: "HEALTH", // status: the newest backup dropped beyond --max-shrink vs the previous one
  // --- end status branch ---

  // --- downtime branch: the stop window measured, bounded and cut (snapshot mode) ---
  DOWNTIME_LIMIT_EXCEEDED: "USAGE", // the estimated downtime exceeds --max-downtime: refused before the stop
  SNAPSHOT_DISK_SPACE_LOW: "INPUT", // --snapshot-dir lacks room for the store copy (+ margin): refused before the stop
  SNAPSHOT_COPY_FAILED: "INPUT", // copying the stopped store failed (e.g. no reflink support); Neo4j was started again
  // --- end downtime branch ---
} as const satisfies Record<string, ErrorCategory>;

export type NbsErrorCode = keyof typeof ERROR_CODES;
