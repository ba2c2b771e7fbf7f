import {
  bucketSettings,
  checkDb,
  requireBucket,
  parseBool,
  parseString,
  resolveSettings,
  withEndpointRegion,
  setting,
  LOG_SETTINGS,
  S3_CONNECTION_SETTINGS,
  type SettingsOf,
} from "@nbs/cli-kit";
import { normalizePrefix } from "@nbs/metadata";

const S = setting;

/** `nbs-verify list` (scripts/neo4j/list_backups.sh): what is in the bucket. */
export const LIST_SETTINGS = {
  ...S3_CONNECTION_SETTINGS,
  ...LOG_SETTINGS,
  ...bucketSettings({ bucket: "the backup bucket", prefix: "key prefix to list under" }),
  db: S(["NBS_DB"], "string", "only backups of this database", undefined, parseString),
  all: S(
    ["NBS_LIST_ALL"],
    "boolean",
    "also list dumps without a .meta.json (uploads still running or never committed), marked uncommitted",
    false,
    parseBool,
  ),
  json: S(
    ["NBS_JSON"],
    "boolean",
    "print { backups: [...] } as JSON on stdout (default: a table on a terminal, JSON otherwise)",
    undefined,
    parseBool,
  ),
};

export type ListSettings = SettingsOf<typeof LIST_SETTINGS>;

export interface ResolvedListSettings extends ListSettings {
  bucket: string;
}

export function resolveListSettings(
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>,
  file: Record<string, unknown>,
): { settings: ResolvedListSettings; origins: Record<string, string> } {
  const { settings: s, origins } = resolveSettings(LIST_SETTINGS, flags, env, file);
  return {
    settings: withEndpointRegion({
      ...s,
      bucket: requireBucket(s.bucket),
      prefix: normalizePrefix(s.prefix),
      db: checkDb(s.db),
    }),
    origins,
  };
}
