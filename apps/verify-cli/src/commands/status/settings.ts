import {
  requireBucket,
  parseAge,
  parseShare,
  parseString,
  resolveSettings,
  withEndpointRegion,
  setting,
  summaryMdSetting,
  LOG_SETTINGS,
  METRICS_SETTINGS,
  S3_CONNECTION_SETTINGS,
  type SettingsOf,
} from "@nbs/cli-kit";
import { isValidDbName, normalizePrefix } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import { LIST_SETTINGS } from "../list/settings.js";

const S = setting;
// list's connection, bucket, prefix, log and --json settings; status always looks at every state.
const { bucket, prefix, json } = LIST_SETTINGS;

/** `nbs-verify status` (scripts/neo4j/backup_status.sh): are the backups fresh, verified, plausible? */
export const STATUS_SETTINGS = {
  ...S3_CONNECTION_SETTINGS,
  ...LOG_SETTINGS,
  bucket,
  prefix,
  json,
  ...METRICS_SETTINGS,
  db: S(
    ["NBS_DB"],
    "string",
    "databases that must have a backup, comma-separated (default: every database found under the prefix)",
    undefined,
    parseString,
  ),
  maxAge: S(
    ["NBS_MAX_AGE"],
    "string",
    "the newest committed backup of each database may be at most this old, by its sidecar's created_at (e.g. 26h, 2d)",
    26 * 3_600_000,
    parseAge,
    undefined,
    "26h",
  ),
  maxVerifyAge: S(
    ["NBS_MAX_VERIFY_AGE"],
    "string",
    "some backup of each database must have a verification record at most this old (e.g. 8d)",
    8 * 86_400_000,
    parseAge,
    undefined,
    "8d",
  ),
  maxShrink: S(
    ["NBS_MAX_SHRINK"],
    "string",
    "the newest backup's node or relationship count or dump size may drop at most this much against the previous backup",
    0.5,
    parseShare,
    undefined,
    "50%",
  ),
  summaryMd: summaryMdSetting(
    'append a Markdown summary to this file (e.g. "$GITHUB_STEP_SUMMARY")',
  ),
};

type StatusSettings = SettingsOf<typeof STATUS_SETTINGS>;

export interface ResolvedStatusSettings extends Omit<StatusSettings, "db"> {
  bucket: string;
  /** Databases named with --db (empty: every one found). */
  dbs: string[];
}

export function resolveStatusSettings(
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>,
  file: Record<string, unknown>,
): { settings: ResolvedStatusSettings; origins: Record<string, string> } {
  const { settings: s, origins } = resolveSettings(STATUS_SETTINGS, flags, env, file);
  const dbs = (s.db ?? "")
    .split(",")
    .map((d) => d.trim())
    .filter((d) => d !== "");
  for (const db of dbs)
    if (!isValidDbName(db))
      throw new NbsError("DB_NAME_INVALID", `invalid database name ${JSON.stringify(db)}`, {
        hint: "use letters, digits, '.', '_' or '-', several separated by commas",
      });
  return {
    settings: withEndpointRegion({
      ...s,
      bucket: requireBucket(s.bucket),
      prefix: normalizePrefix(s.prefix),
      dbs,
    }),
    origins,
  };
}
