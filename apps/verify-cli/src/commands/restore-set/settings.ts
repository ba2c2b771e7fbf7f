import {
  bucketSettings,
  dryRunSetting,
  jsonSetting,
  neo4jServerSettings,
  parseBool,
  parseString,
  resolveSettings,
  setting as S,
  summaryMdSetting,
  withEndpointRegion,
  LOG_SETTINGS,
  S3_CONNECTION_SETTINGS,
  WORK_DIR_SETTING,
  type SettingsOf,
} from "@nbs/cli-kit";
import { NbsError } from "@nbs/errors";
import { checkServiceName } from "../../service-name.js";

/** `nbs-verify restore-set`: every database of a set onto a Neo4j, `system` first. */
export const RESTORE_SET_SETTINGS = {
  ...S3_CONNECTION_SETTINGS,
  ...LOG_SETTINGS,
  set: S(
    ["NBS_SET"],
    "string",
    "the set in --bucket: latest (the newest committed set under --prefix), its id (yyyymmddThhmmssZ) or its manifest key",
    undefined,
    parseString,
  ),
  setFile: S(
    ["NBS_SET_FILE"],
    "string",
    "a local set instead: <out-dir>/sets/<id>.json written by backup.sh with several --db or --all-databases",
    undefined,
    parseString,
  ),
  ...bucketSettings({
    bucket: "the bucket of --set",
    prefix: "key prefix the sets are under (<prefix>/sets/<id>.json)",
  }),
  ...neo4jServerSettings({
    home: "the Neo4j installation to restore into: its server is stopped, the databases replaced, the server started",
    service:
      "systemd unit running that Neo4j: stop, start and ask it with systemctl instead of bin/neo4j",
    uri: "Bolt URI of that server: proven to be the server of --neo4j-home before the stop, waited for after the start (NEO4J_USERNAME / NEO4J_PASSWORD log in both times)",
  }),
  safetyDir: S(
    ["NBS_SAFETY_DIR"],
    "string",
    "where each replaced database is dumped first (<db>-<time>/<db>.dump; never deleted by nbs); default <neo4j-home>/nbs-safety-copies",
    undefined,
    parseString,
  ),
  force: S(
    [],
    "boolean",
    "required: a set replaces every database it holds, system included (users, roles, database definitions)",
    false,
    parseBool,
  ),
  workDir: WORK_DIR_SETTING,
  dryRun: dryRunSetting(
    "read the manifest, run the checks before the stop and print the plan; nothing fetched, Neo4j not touched",
  ),
  summaryMd: summaryMdSetting(
    'append a Markdown summary to this file (e.g. "$GITHUB_STEP_SUMMARY"), also on failure: the checks before the stop and the safety copy',
  ),
  json: jsonSetting("print the result as JSON on stdout"),
};
export type RestoreSetSettings = SettingsOf<typeof RESTORE_SET_SETTINGS>;

export function resolveRestoreSetSettings(
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>,
  file: Record<string, unknown>,
) {
  const { settings: s, origins } = resolveSettings(RESTORE_SET_SETTINGS, flags, env, file);
  if ((s.set === undefined) === (s.setFile === undefined))
    throw new NbsError("RESTORE_SOURCE_REQUIRED", "restore-set needs one of --set and --set-file", {
      hint: "pass --set latest (with --bucket and --prefix) or --set-file <out-dir>/sets/<id>.json",
    });
  if (s.set !== undefined && (s.bucket === undefined || s.bucket === ""))
    throw new NbsError("SETTING_MISSING", "--set needs a bucket", {
      hint: "pass --bucket or set BACKUP_S3_BUCKET",
    });
  if (s.neo4jHome === undefined || s.neo4jHome === "")
    throw new NbsError("NEO4J_HOME_REQUIRED", "no Neo4j installation given", {
      hint: "pass --neo4j-home or set NEO4J_HOME",
    });
  checkServiceName(s.neo4jService);
  if (s.neo4jUri === undefined || s.neo4jUri === "")
    throw new NbsError("RESTORE_NEO4J_REQUIRED", "no Bolt URI of the Neo4j to restore into", {
      hint: "pass --neo4j-uri or set NEO4J_URI (e.g. bolt://127.0.0.1:7687): it is proven to be the server of --neo4j-home before the stop",
    });
  if (env["NEO4J_PASSWORD"] === undefined || env["NEO4J_PASSWORD"] === "")
    throw new NbsError("RESTORE_NEO4J_REQUIRED", "NEO4J_PASSWORD is not set", {
      hint: "export NEO4J_PASSWORD for the Bolt user (never a flag)",
    });
  if (!s.force && !s.dryRun)
    throw new NbsError(
      "RESTORE_TARGET_NOT_EMPTY",
      "a set replaces every database it holds, system included (users, roles), and --force was not given",
      {
        hint: "pass --force once you are sure this is the server to replace; a safety copy of each database is kept",
      },
    );
  return { settings: withEndpointRegion(s), origins };
}
