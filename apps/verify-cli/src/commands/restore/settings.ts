import {
  backupSourceSettings,
  checkDb,
  dryRunSetting,
  jsonSetting,
  neo4jServerSettings,
  parseBool,
  parseDuration,
  parseString,
  resolveSettings,
  withEndpointRegion,
  setting,
  summaryMdSetting,
  LOG_SETTINGS,
  S3_CONNECTION_SETTINGS,
  WORK_DIR_SETTING,
  type SettingsOf,
} from "@nbs/cli-kit";
import { NbsError } from "@nbs/errors";
import { DEFAULT_INDEX_TIMEOUT_MS, type VerifySource } from "@nbs/verify";
import { checkServiceName } from "../../service-name.js";
import { chooseSource, parseSha256 } from "../verify/settings.js";

/**
 * `nbs-verify restore` (scripts/neo4j/restore_from_s3.sh): a backup onto the operator's own
 * Neo4j. The Neo4j password comes only from NEO4J_PASSWORD, never a flag.
 */
const S = setting;

export const RESTORE_SETTINGS = {
  ...S3_CONNECTION_SETTINGS,
  ...LOG_SETTINGS,
  ...backupSourceSettings({
    s3Uri: "backup to restore: s3://<bucket>/<key>",
    latest:
      "restore the newest committed backup of --db under --prefix (a broken newest one fails, never an older one in its place)",
  }),
  db: S(
    ["NBS_DB"],
    "string",
    "the database to replace, and the one the backup must be of (its sidecar's db_name; --latest picks from its backups)",
    "neo4j",
    parseString,
  ),
  asDb: S(
    ["NBS_AS_DB"],
    "string",
    "replace this database instead of --db with the backup of --db (a backup of one database never replaces another without it)",
    undefined,
    parseString,
  ),
  safetyCopy: S(
    ["NBS_SAFETY_COPY"],
    "boolean",
    "dump the data being replaced first and load it back if the load fails; --no-safety-copy replaces it without a way back (warned)",
    true,
    parseBool,
  ),
  safetyDir: S(
    ["NBS_SAFETY_DIR"],
    "string",
    "where the safety copy goes (<db>-<time>-*/<db>.dump with its .meta.json; never deleted by nbs); default: nbs-safety-copies beside the data directory",
    undefined,
    parseString,
  ),
  file: S(
    ["NBS_FILE"],
    "string",
    "restore a local dump instead (needs its <file>.meta.json or --sha256)",
    undefined,
    parseString,
  ),
  sha256: S(
    ["NBS_SHA256"],
    "string",
    "expected sha256 of the dump as stored (64 hex digits): the reference for a --file without a .meta.json, an extra check otherwise",
    undefined,
    parseSha256,
  ),
  ...neo4jServerSettings({
    home: "the Neo4j installation to restore into: its server is stopped, the database replaced, the server started",
    service:
      "systemd unit running that Neo4j: stop, start and ask it with systemctl instead of bin/neo4j",
    uri: "Bolt URI of that server: emptiness check before; online, schema and index states after",
  }),
  force: S(
    [],
    "boolean",
    "replace a database that holds data, or one that cannot be checked because Neo4j is not running",
    false,
    parseBool,
  ),
  indexTimeout: S(
    ["NBS_INDEX_TIMEOUT"],
    "string",
    "how long to wait for POPULATING indexes to come ONLINE, in the private Neo4j the dump is proven in before the stop and again on the server after the start (15, 15s, 2m); a FAILED one fails INDEX_FAILED at once",
    DEFAULT_INDEX_TIMEOUT_MS,
    parseDuration,
    undefined,
    `${DEFAULT_INDEX_TIMEOUT_MS / 60_000}m`,
  ),
  dryRun: dryRunSetting(
    "resolve the source, check the target and print the plan; nothing downloaded, Neo4j not touched",
  ),
  json: jsonSetting("print the final report as JSON on stdout"),
  summaryMd: summaryMdSetting(
    'append a Markdown summary to this file (e.g. "$GITHUB_STEP_SUMMARY"), also on failure: the checks before the stop and the safety copy',
  ),
  workDir: WORK_DIR_SETTING,
};

export type RestoreSettings = SettingsOf<typeof RESTORE_SETTINGS>;

export interface ResolvedRestoreSettings extends RestoreSettings {
  source: VerifySource;
  neo4jHome: string;
  neo4jUri: string;
}

export function resolveRestoreSettings(
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>,
  file: Record<string, unknown>,
): { settings: ResolvedRestoreSettings; origins: Record<string, string> } {
  const { settings: s, origins } = resolveSettings(RESTORE_SETTINGS, flags, env, file);
  checkDb(s.db);
  checkDb(s.asDb);
  checkServiceName(s.neo4jService);
  if (!s.file && !s.s3Uri && !s.latest && !s.key)
    throw new NbsError("RESTORE_SOURCE_REQUIRED", "no backup to restore", {
      hint: "pass --latest (with --prefix/--db), --s3-uri s3://bucket/key, --bucket with --key, or --file",
    });
  if (s.neo4jHome === undefined || s.neo4jHome === "")
    throw new NbsError("RESTORE_NEO4J_REQUIRED", "no Neo4j installation to restore into", {
      hint: "pass --neo4j-home or set NEO4J_HOME (the installation whose database is replaced)",
    });
  if (s.neo4jUri === undefined || s.neo4jUri === "")
    throw new NbsError("RESTORE_NEO4J_REQUIRED", "no Bolt URI of the Neo4j to restore into", {
      hint: "pass --neo4j-uri or set NEO4J_URI (e.g. bolt://127.0.0.1:7687): emptiness is checked before and counts after",
    });
  if (env["NEO4J_PASSWORD"] === undefined || env["NEO4J_PASSWORD"] === "")
    throw new NbsError("RESTORE_NEO4J_REQUIRED", "NEO4J_PASSWORD is not set", {
      hint: "export NEO4J_PASSWORD for the Bolt user (never a flag)",
    });
  return {
    settings: withEndpointRegion({
      ...s,
      neo4jHome: s.neo4jHome,
      neo4jUri: s.neo4jUri,
      source: chooseSource(s, origins),
    }),
    origins,
  };
}
