import {
  parseBool,
  parseChoice,
  parseString,
  resolveSettings,
  type LogFormat,
  type SettingSpec,
} from "@nbs/cli-kit";

/** `nbs-upload dump` (what scripts/neo4j/backup.sh runs). The Neo4j password comes only from NEO4J_PASSWORD. */
export interface DumpSettings {
  db: string;
  outDir: string | undefined;
  neo4jHome: string | undefined;
  neo4jUri: string | undefined;
  neo4jUser: string;
  createdBy: string | undefined;
  dryRun: boolean;
  verbose: boolean;
  logFormat: LogFormat | undefined;
  json: boolean;
}

export const DUMP_SETTINGS: Record<keyof DumpSettings, SettingSpec> = {
  db: {
    env: ["NBS_DB"],
    type: "string",
    describe: "database to dump",
    fallback: "neo4j",
    parse: parseString,
  },
  outDir: {
    env: ["NBS_OUT_DIR"],
    type: "string",
    describe: "directory for <db>-<yyyymmddThhmmssZ>.dump and its .meta.json",
    fallback: undefined,
    parse: parseString,
  },
  neo4jHome: {
    env: ["NEO4J_HOME"],
    type: "string",
    describe: "Neo4j installation (its bin/neo4j and bin/neo4j-admin are used)",
    fallback: undefined,
    parse: parseString,
  },
  neo4jUri: {
    env: ["NEO4J_URI"],
    type: "string",
    describe: "Bolt URI for statistics while online (skipped when unset)",
    fallback: undefined,
    parse: parseString,
  },
  neo4jUser: {
    env: ["NEO4J_USERNAME"],
    type: "string",
    describe: "Bolt user (password from NEO4J_PASSWORD only)",
    fallback: "neo4j",
    parse: parseString,
  },
  createdBy: {
    env: ["NBS_CREATED_BY"],
    type: "string",
    describe: "who made the backup (default: the GitHub Actions run, else user@host)",
    fallback: undefined,
    parse: parseString,
  },
  dryRun: {
    env: ["NBS_DRY_RUN"],
    type: "boolean",
    describe: "print what would be done; Neo4j is not touched",
    fallback: false,
    parse: parseBool,
  },
  verbose: {
    env: ["NBS_VERBOSE"],
    type: "boolean",
    describe: "debug events",
    fallback: false,
    parse: parseBool,
  },
  logFormat: {
    env: ["NBS_LOG_FORMAT"],
    type: "string",
    describe: "log format on stderr (default: pretty on a TTY, else json)",
    fallback: undefined,
    parse: parseChoice(["json", "pretty"] as const),
    choices: ["json", "pretty"],
  },
  json: {
    env: ["NBS_JSON"],
    type: "boolean",
    describe: "print the final result as JSON on stdout",
    fallback: false,
    parse: parseBool,
  },
};

export function resolveDumpSettings(
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>,
  file: Record<string, unknown>,
) {
  return resolveSettings<DumpSettings>(DUMP_SETTINGS, flags, env, file);
}
