import {
  LOG_SETTINGS,
  parseBool,
  parseString,
  resolveSettings,
  setting as S,
  type SettingsOf,
} from "@nbs/cli-kit";

/** `nbs-upload dump` (what scripts/neo4j/backup.sh runs). The Neo4j password comes only from NEO4J_PASSWORD. */
export const DUMP_SETTINGS = {
  db: S(["NBS_DB"], "string", "database to dump", "neo4j", parseString),
  outDir: S(
    ["NBS_OUT_DIR"],
    "string",
    "directory for <db>-<yyyymmddThhmmssZ>.dump and its .meta.json",
    undefined,
    parseString,
  ),
  neo4jHome: S(
    ["NEO4J_HOME"],
    "string",
    "Neo4j installation (its bin/neo4j and bin/neo4j-admin are used)",
    undefined,
    parseString,
  ),
  neo4jUri: S(
    ["NEO4J_URI"],
    "string",
    "Bolt URI for statistics while online (skipped when unset)",
    undefined,
    parseString,
  ),
  neo4jUser: S(
    ["NEO4J_USERNAME"],
    "string",
    "Bolt user (password from NEO4J_PASSWORD only)",
    "neo4j",
    parseString,
  ),
  createdBy: S(
    ["NBS_CREATED_BY"],
    "string",
    "who made the backup (default: the GitHub Actions run, else user@host)",
    undefined,
    parseString,
  ),
  dryRun: S(
    ["NBS_DRY_RUN"],
    "boolean",
    "print what would be done; Neo4j is not touched",
    false,
    parseBool,
  ),
  ...LOG_SETTINGS,
  json: S(["NBS_JSON"], "boolean", "print the final result as JSON on stdout", false, parseBool),
};
export type DumpSettings = SettingsOf<typeof DUMP_SETTINGS>;

export function resolveDumpSettings(
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>,
  file: Record<string, unknown>,
) {
  return resolveSettings(DUMP_SETTINGS, flags, env, file);
}
