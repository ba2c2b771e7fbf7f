import { storeClient, type CliLogger, type Outcome, requireRegion } from "@nbs/cli-kit";
import { normalizePrefix } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import type { createS3Client } from "@nbs/s3-store";
import { applyLifecycleRule, retentionRule } from "@nbs/s3-store";
import type { RetentionSettings } from "./settings.js";

/** What this command sets, and what it does not (docs/neo4j/server.md "Retention and immutability"). */
const SETS =
  "the store's lifecycle rule: age-based expiry of everything under the prefix, verified or not; keep rules that never remove the newest verified backup are nbs-upload prune (run both with the lifecycle days longer than prune keeps, as a backstop)";

export interface RetentionDeps {
  logger: CliLogger;
  signal: AbortSignal;
  createClient?: typeof createS3Client;
}

/**
 * Print the lifecycle rule that keeps backups under the prefix for the configured days; with
 * --apply, merge it into the bucket's lifecycle configuration. Expiry is the store's job:
 * nothing is ever deleted from here.
 */
export async function runRetention(
  settings: RetentionSettings,
  deps: RetentionDeps,
): Promise<Outcome> {
  if (settings.days === undefined) {
    throw new NbsError("RETENTION_NOT_CONFIGURED", "no retention configured", {
      hint: "set --days or BACKUP_RETENTION_DAYS (7 dev, 30 staging, 90 prod)",
    });
  }
  const prefix = normalizePrefix(settings.prefix);
  const rule = retentionRule({ prefix, days: settings.days });
  if (!settings.apply) {
    return {
      outcome: "dry-run",
      sets: SETS,
      prefix,
      days: settings.days,
      rule,
      next: "--apply merges this rule into the bucket's lifecycle",
    };
  }
  if (settings.bucket === undefined) {
    throw new NbsError("SETTING_MISSING", "--apply needs the bucket", {
      hint: "pass --bucket or set BACKUP_S3_BUCKET",
    });
  }
  requireRegion(settings.region);
  const client = storeClient(settings, deps.createClient);
  try {
    const result = await applyLifecycleRule({
      client,
      bucket: settings.bucket,
      rule,
      signal: deps.signal,
    });
    deps.logger.log("debug", "retention.rules", { ids: result.rules.map((r) => r.ID) });
    return {
      outcome: result.status,
      sets: SETS,
      bucket: settings.bucket,
      prefix,
      days: settings.days,
      rule,
      other_rules: result.rules.filter((r) => r.ID !== rule.ID).map((r) => r.ID ?? "(no id)"),
    };
  } finally {
    client.destroy();
  }
}
