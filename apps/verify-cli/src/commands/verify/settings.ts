import {
  backupSourceSettings,
  checkDb,
  dryRunSetting,
  jsonSetting,
  parseBool,
  parseChoice,
  parseDuration,
  parsePositiveInt,
  parseString,
  resolveSettings,
  withEndpointRegion,
  setting,
  summaryMdSetting,
  LOG_SETTINGS,
  METRICS_SETTINGS,
  S3_CONNECTION_SETTINGS,
  WORK_DIR_SETTING,
  type SettingsOf,
} from "@nbs/cli-kit";
import { isValidBucketName, normalizePrefix } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import {
  DEFAULT_INDEX_TIMEOUT_MS,
  parseS3Uri,
  type VerifyMode,
  type VerifySource,
} from "@nbs/verify";

const MODES = ["checksum", "check", "load"] as const satisfies readonly VerifyMode[];

const S = setting;

/** A sha256 as `sha256sum` prints it (either case); stored lowercase. */
export function parseSha256(raw: unknown, what: string): string {
  const hex = String(raw).trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex))
    throw new NbsError(
      "SHA256_INVALID",
      `${what} must be 64 hex digits, got ${JSON.stringify(raw)}`,
      {
        hint: "pass the sha256 of the dump as stored, as sha256sum prints it",
      },
    );
  return hex.toLowerCase();
}

function parseNonNegativeInt(raw: unknown, what: string): number {
  return String(raw).trim() === "0" ? 0 : parsePositiveInt(raw, what);
}

/** One table drives the flags, the environment names, the config-file keys, `--help` and the type. */
export const VERIFY_SETTINGS = {
  ...S3_CONNECTION_SETTINGS,
  ...LOG_SETTINGS,
  ...METRICS_SETTINGS,
  ...backupSourceSettings({
    s3Uri: "backup to verify: s3://<bucket>/<key>",
    latest: "verify the newest committed backup under --prefix (and --db)",
  }),
  db: S(
    ["NBS_DB"],
    "string",
    "database: filters --latest, and names the database in the ephemeral Neo4j (default neo4j)",
    undefined,
    parseString,
  ),
  file: S(
    ["NBS_FILE"],
    "string",
    "verify a local dump instead (its <file>.meta.json is used when present)",
    undefined,
    parseString,
  ),
  mode: S(
    ["NBS_VERIFY_MODE"],
    "string",
    "checksum: bytes only; check: + neo4j-admin consistency check; load: + load, counts and smoke query (default load when a Neo4j home is known)",
    undefined,
    parseChoice(MODES),
    MODES,
  ),
  sha256: S(
    ["NBS_SHA256"],
    "string",
    "expected sha256 of the dump as stored (64 hex digits), recorded apart from it: the reference for a --file without a .meta.json, an extra check otherwise",
    undefined,
    parseSha256,
  ),
  skipLoad: S([], "boolean", "same as --mode checksum", false, parseBool),
  neo4jHome: S(
    ["NEO4J_HOME"],
    "string",
    "Neo4j installation whose bin/ and lib/ the ephemeral instance borrows (never modified)",
    undefined,
    parseString,
  ),
  smokeQuery: S(
    ["NBS_SMOKE_QUERY"],
    "string",
    "Cypher run against the restored database (--mode load)",
    undefined,
    parseString,
  ),
  expectMinRows: S(
    ["NBS_EXPECT_MIN_ROWS"],
    "number",
    "rows the smoke query must return at least",
    1,
    parseNonNegativeInt,
  ),
  indexTimeout: S(
    ["NBS_INDEX_TIMEOUT"],
    "string",
    "--mode load: how long to wait after the start for POPULATING indexes to come ONLINE (15, 15s, 2m); one still populating then fails INDEX_NOT_ONLINE, a FAILED one fails INDEX_FAILED at once",
    DEFAULT_INDEX_TIMEOUT_MS,
    parseDuration,
    undefined,
    `${DEFAULT_INDEX_TIMEOUT_MS / 60_000}m`,
  ),
  report: S(
    ["NBS_REPORT"],
    "string",
    "write the JSON report to this file (also on failure)",
    undefined,
    parseString,
  ),
  summaryMd: summaryMdSetting(
    'append a Markdown summary to this file (e.g. "$GITHUB_STEP_SUMMARY")',
  ),
  record: S(
    ["NBS_VERIFY_RECORD"],
    "boolean",
    "after a successful verification of a stored backup, write <key>.verify/<time>-<mode>.json next to it (If-None-Match: *; never touches the dump or sidecar); a record that cannot be written exits 4 VERIFY_RECORD_FAILED",
    false,
    parseBool,
  ),
  json: jsonSetting("print the final report as JSON on stdout"),
  dryRun: dryRunSetting("resolve the source and print the plan; nothing is downloaded"),
  keepWorkspace: S(
    ["NBS_KEEP_WORKSPACE"],
    "boolean",
    "keep the temp workspace (download, ephemeral home and its logs)",
    false,
    parseBool,
  ),
  workDir: WORK_DIR_SETTING,
};

/** Everything `nbs-verify` can be told, resolved once: flag > env > config file > default. */
export type VerifySettings = SettingsOf<typeof VERIFY_SETTINGS>;

/** Settings after the cross-field rules: one source, one mode. */
export interface ResolvedVerifySettings extends VerifySettings {
  mode: VerifyMode;
  source: VerifySource;
}

export function resolveVerifySettings(
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>,
  file: Record<string, unknown>,
): { settings: ResolvedVerifySettings; origins: Record<string, string> } {
  const { settings: s, origins } = resolveSettings(VERIFY_SETTINGS, flags, env, file);
  checkDb(s.db);
  if (origins["expectMinRows"] !== "default" && s.smokeQuery === undefined) {
    throw new NbsError("SETTING_MISSING", "--expect-min-rows needs --smoke-query", {
      hint: "pass the Cypher to run with --smoke-query",
    });
  }
  const mode = chooseMode(s, origins);
  const source = chooseSource(s, origins);
  if (s.record && source.kind === "file") {
    throw new NbsError(
      "FLAGS_CONFLICT",
      "--record needs a backup in S3; a --file has nowhere to record",
      {
        hint: "drop --record / NBS_VERIFY_RECORD, or verify the stored backup (--s3-uri, --latest)",
      },
    );
  }
  return {
    settings: withEndpointRegion({ ...s, mode, source }),
    origins,
  };
}

/** `--skip-load` is `--mode checksum`; without `--mode`, `load` when a Neo4j home is known. */
export function chooseMode(s: VerifySettings, origins: Record<string, string>): VerifyMode {
  if (s.skipLoad) {
    if (s.mode !== undefined && s.mode !== "checksum" && origins["mode"] === "flag") {
      throw new NbsError("FLAGS_CONFLICT", `--skip-load conflicts with --mode ${s.mode}`, {
        hint: "drop one of them",
      });
    }
    return "checksum";
  }
  if (s.mode !== undefined) return s.mode;
  if (s.neo4jHome !== undefined) return "load";
  throw new NbsError("NEO4J_HOME_REQUIRED", "no --mode given and no Neo4j installation known", {
    hint: "pass --mode checksum (bytes only), or --neo4j-home / NEO4J_HOME to load into an ephemeral Neo4j",
  });
}

/** Exactly one of --file, --s3-uri, --latest, --bucket with --key. */
export function chooseSource(
  s: Pick<VerifySettings, "file" | "s3Uri" | "latest" | "key" | "bucket" | "prefix" | "db">,
  origins: Record<string, string>,
): VerifySource {
  const given = [
    s.file !== undefined && "--file",
    s.s3Uri !== undefined && "--s3-uri",
    s.latest && "--latest",
    s.key !== undefined && "--key",
  ].filter((x): x is string => typeof x === "string");
  if (given.length > 1)
    throw new NbsError("FLAGS_CONFLICT", `${given.join(" and ")} name different sources`, {
      hint: "pass exactly one of --s3-uri, --bucket with --key, --latest, --file",
    });
  if (given.length === 0) {
    throw new NbsError("SETTING_MISSING", "no backup to verify", {
      hint: "pass --s3-uri s3://bucket/key, --bucket with --key, --latest (with --prefix/--db), or --file",
    });
  }
  if (s.file !== undefined) return { kind: "file", path: s.file };
  if (s.s3Uri !== undefined) {
    const { bucket, key } = parseS3Uri(s.s3Uri);
    if (origins["bucket"] === "flag" && s.bucket !== bucket)
      throw new NbsError(
        "FLAGS_CONFLICT",
        `--bucket ${s.bucket} conflicts with --s3-uri ${s.s3Uri}`,
        {
          hint: "drop --bucket",
        },
      );
    return { kind: "s3", bucket, key };
  }
  const bucket = s.bucket;
  if (bucket === undefined || bucket === "")
    throw new NbsError("SETTING_MISSING", "missing --bucket", {
      hint: "pass --bucket or set BACKUP_S3_BUCKET",
    });
  if (!isValidBucketName(bucket))
    throw new NbsError("BUCKET_NAME_INVALID", `invalid bucket name ${JSON.stringify(bucket)}`, {
      hint: "S3 bucket names are 3-63 lowercase letters, digits, '.' and '-'",
    });
  if (s.latest)
    return {
      kind: "latest",
      bucket,
      prefix: normalizePrefix(s.prefix),
      ...(s.db ? { db: s.db } : {}),
    };
  return { kind: "s3", bucket, key: s.key!.replace(/^\/+/, "") };
}
