import {
  bucketSettings,
  checkDb,
  requireBucket,
  LOG_SETTINGS,
  S3_CONNECTION_SETTINGS,
  parseBool,
  parsePositiveInt,
  parseString,
  resolveSettings,
  setting as S,
  withEndpointRegion,
  type SettingsOf,
} from "@nbs/cli-kit";
import { normalizePrefix } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import { parseSpan, type KeepRules } from "@nbs/s3-store";

const count = (period: string) =>
  S(
    [`NBS_PRUNE_KEEP_${period.toUpperCase()}`],
    "number",
    `keep the newest backup of each of the last N ${period === "last" ? "backups" : `${period} periods (UTC)`}`,
    undefined,
    parsePositiveInt,
  );

/** `nbs-upload prune` (what scripts/neo4j/prune_backups.sh runs). */
export const PRUNE_SETTINGS = {
  ...S3_CONNECTION_SETTINGS,
  ...LOG_SETTINGS,
  ...bucketSettings({ bucket: "the backup bucket", prefix: "key prefix to prune under" }),
  db: S(
    ["NBS_DB"],
    "string",
    "only this database (default: each under the prefix)",
    undefined,
    parseString,
  ),
  keepLast: S(
    ["NBS_PRUNE_KEEP_LAST"],
    "number",
    "keep the newest N backups",
    undefined,
    parsePositiveInt,
  ),
  keepHourly: count("hourly"),
  keepDaily: count("daily"),
  keepWeekly: count("weekly"),
  keepMonthly: count("monthly"),
  keepYearly: count("yearly"),
  keepWithin: S(
    ["NBS_PRUNE_KEEP_WITHIN"],
    "string",
    "keep every backup this long before the newest one (restic: 1y6m, 30d, 12h; m = months)",
    undefined,
    (raw, what) => parseSpan(raw, what),
  ),
  uncommittedAge: S(
    ["NBS_PRUNE_UNCOMMITTED_AGE"],
    "string",
    "a dump without a sidecar younger than this may be an upload still running: nothing of its database is removed; older ones are removed",
    parseSpan("12h", "--uncommitted-age"),
    (raw, what) => parseSpan(raw, what),
    undefined,
    "12h",
  ),
  timeTolerance: S(
    ["NBS_PRUNE_TIME_TOLERANCE"],
    "string",
    "a backup whose sidecar created_at and the server's LastModified differ by more is flagged and kept",
    parseSpan("1h", "--time-tolerance"),
    (raw, what) => parseSpan(raw, what),
    undefined,
    "1h",
  ),
  keepBeforeShrink: S(
    ["NBS_PRUNE_KEEP_BEFORE_SHRINK"],
    "string",
    "how long the last backup before a shrinking one (sidecar `shrink`) is kept",
    parseSpan("30d", "--keep-before-shrink"),
    (raw, what) => parseSpan(raw, what),
    undefined,
    "30d",
  ),
  removeBroken: S(
    [],
    "boolean",
    "also remove broken backups (invalid sidecar, missing dump, wrong size); default: list them only",
    false,
    parseBool,
  ),
  apply: S(
    [],
    "boolean",
    "delete what the plan removes (default: print the plan only)",
    false,
    parseBool,
  ),
  json: S(
    ["NBS_JSON"],
    "boolean",
    "print the plan as JSON on stdout (default: a table on a terminal, JSON otherwise)",
    undefined,
    parseBool,
  ),
};

export type PruneSettings = Omit<SettingsOf<typeof PRUNE_SETTINGS>, "bucket"> & {
  bucket: string;
  rules: KeepRules;
};

export function resolvePruneSettings(
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>,
  file: Record<string, unknown>,
): { settings: PruneSettings; origins: Record<string, string> } {
  const { settings: s, origins } = resolveSettings(PRUNE_SETTINGS, flags, env, file);
  const bucket = requireBucket(s.bucket);
  checkDb(s.db);
  const rules: KeepRules = {
    ...(s.keepLast ? { last: s.keepLast } : {}),
    ...(s.keepHourly ? { hourly: s.keepHourly } : {}),
    ...(s.keepDaily ? { daily: s.keepDaily } : {}),
    ...(s.keepWeekly ? { weekly: s.keepWeekly } : {}),
    ...(s.keepMonthly ? { monthly: s.keepMonthly } : {}),
    ...(s.keepYearly ? { yearly: s.keepYearly } : {}),
    ...(s.keepWithin ? { within: s.keepWithin } : {}),
  };
  if (Object.keys(rules).length === 0)
    throw new NbsError("PRUNE_NO_RULES", "prune without any keep rule", {
      hint: "give at least one of --keep-last, --keep-daily, --keep-weekly, --keep-monthly, --keep-yearly, --keep-hourly, --keep-within (e.g. --keep-daily 7 --keep-weekly 4 --keep-monthly 12)",
    });
  return {
    settings: withEndpointRegion({
      ...s,
      bucket,
      prefix: normalizePrefix(s.prefix),
      rules,
    }),
    origins,
  };
}
