import {
  bucketSettings,
  LOG_SETTINGS,
  S3_CONNECTION_SETTINGS,
  parseBool,
  parsePositiveInt,
  resolveSettings,
  setting as S,
  withEndpointRegion,
  type SettingsOf,
} from "@nbs/cli-kit";

/** `nbs-upload retention` (what scripts/neo4j/retention.sh runs). */
export const RETENTION_SETTINGS = {
  ...S3_CONNECTION_SETTINGS,
  ...LOG_SETTINGS,
  ...bucketSettings({
    bucket: "bucket whose lifecycle --apply changes",
    prefix: "key prefix the rule covers (one per environment)",
  }),
  days: S(
    ["BACKUP_RETENTION_DAYS"],
    "number",
    "days a backup is kept before the store expires it",
    undefined,
    parsePositiveInt,
  ),
  apply: S(
    [],
    "boolean",
    "merge the rule into the bucket's lifecycle configuration (default: only print it)",
    false,
    parseBool,
  ),
  json: S(
    ["NBS_JSON"],
    "boolean",
    "print the rule and the result as JSON on stdout",
    true,
    parseBool,
  ),
};
export type RetentionSettings = SettingsOf<typeof RETENTION_SETTINGS>;

export function resolveRetentionSettings(
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>,
  file: Record<string, unknown>,
): { settings: RetentionSettings; origins: Record<string, string> } {
  const { settings, origins } = resolveSettings(RETENTION_SETTINGS, flags, env, file);
  return { settings: withEndpointRegion(settings), origins };
}
