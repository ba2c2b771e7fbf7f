import {
  parseBool,
  parseString,
  resolveSettings,
  withEndpointRegion,
  setting,
  LOG_SETTINGS,
  S3_CONNECTION_SETTINGS,
  type SettingsOf,
} from "@nbs/cli-kit";
import { isValidBucketName, isValidDbName, normalizePrefix } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";

const S = setting;

/** `nbs-verify list` (scripts/neo4j/list_backups.sh): what is in the bucket. */
export const LIST_SETTINGS = {
  ...S3_CONNECTION_SETTINGS,
  ...LOG_SETTINGS,
  bucket: S(["BACKUP_S3_BUCKET"], "string", "the backup bucket", undefined, parseString),
  prefix: S(["BACKUP_S3_PREFIX"], "string", "key prefix to list under", "", parseString),
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

/** The bucket a command reads; missing or malformed is a usage error naming the fix. */
export function requireBucket(bucket: string | undefined): string {
  if (bucket === undefined || bucket === "")
    throw new NbsError("BUCKET_REQUIRED", "missing --bucket", {
      hint: "pass --bucket or set BACKUP_S3_BUCKET",
    });
  if (!isValidBucketName(bucket))
    throw new NbsError("BUCKET_NAME_INVALID", `invalid bucket name ${JSON.stringify(bucket)}`, {
      hint: "S3 bucket names are 3-63 lowercase letters, digits, '.' and '-'",
    });
  return bucket;
}

export function checkDb(db: string | undefined): string | undefined {
  if (db !== undefined && !isValidDbName(db))
    throw new NbsError("DB_NAME_INVALID", `invalid database name ${JSON.stringify(db)}`, {
      hint: "use letters, digits, '.', '_' or '-'",
    });
  return db;
}
