import {
  GetBucketLifecycleConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  type S3Client,
} from "@aws-sdk/client-s3";
import { normalizePrefix } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import { toStorageError } from "../transport/errors.js";

/** Days a replaced or expired version stays recoverable in a versioned bucket. */
const NONCURRENT_DAYS = 7;
/** Days after which the parts of an interrupted multipart upload are removed. */
const ABORT_INCOMPLETE_DAYS = 1;

/**
 * The lifecycle rule that keeps backups under `prefix` for `days` days: the same rule as
 * config/aws/lifecycle-<env>.json and the Terraform (a test compares them). Expiry is done by
 * the store; nbs never deletes a backup itself.
 */
export function retentionRule(input: { prefix: string; days: number }): LifecycleRule {
  const prefix = normalizePrefix(input.prefix);
  if (prefix === "") {
    throw new NbsError("RETENTION_INVALID", "a retention rule needs a prefix", {
      hint: "set --prefix / BACKUP_S3_PREFIX (one prefix per environment); a rule for the whole bucket would expire everything in it",
    });
  }
  if (!Number.isInteger(input.days) || input.days < 1) {
    throw new NbsError(
      "RETENTION_INVALID",
      `retention of ${input.days} days is not a whole number of days`,
      {
        hint: "set --days / BACKUP_RETENTION_DAYS to 1 or more (7 dev, 30 staging, 90 prod)",
      },
    );
  }
  return {
    ID: `nbs-retention-${prefix}`,
    Status: "Enabled",
    Filter: { Prefix: `${prefix}/` },
    Expiration: { Days: input.days },
    NoncurrentVersionExpiration: { NoncurrentDays: NONCURRENT_DAYS },
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: ABORT_INCOMPLETE_DAYS },
  };
}

/** `rules` with `rule` in place of the rule of the same ID (or added); every other rule kept. */
export function mergeLifecycleRule(
  rules: readonly LifecycleRule[],
  rule: LifecycleRule,
): LifecycleRule[] {
  const others = rules.filter((r) => r.ID !== rule.ID);
  return [...others, rule];
}

export type ApplyStatus = "applied" | "unchanged";

export interface ApplyRetentionResult {
  status: ApplyStatus;
  rules: LifecycleRule[];
}

/**
 * Merge `rule` into the bucket's lifecycle configuration, idempotently: when the bucket already
 * has the same rule, nothing is written. Other rules are kept as they are.
 */
export async function applyLifecycleRule(input: {
  client: S3Client;
  bucket: string;
  rule: LifecycleRule;
  signal?: AbortSignal;
}): Promise<ApplyRetentionResult> {
  const { client, bucket, rule, signal } = input;
  const options = signal ? { abortSignal: signal } : {};
  let current: LifecycleRule[];
  try {
    const got = await client.send(
      new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }),
      options,
    );
    current = got.Rules ?? [];
  } catch (error) {
    if ((error as { name?: string }).name !== "NoSuchLifecycleConfiguration") {
      throw lifecycleError(error, bucket, "read");
    }
    current = [];
  }
  const existing = current.find((r) => r.ID === rule.ID);
  if (existing && sameRule(existing, rule)) return { status: "unchanged", rules: current };
  const rules = mergeLifecycleRule(current, rule);
  try {
    await client.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: { Rules: rules },
      }),
      options,
    );
  } catch (error) {
    throw lifecycleError(error, bucket, "change");
  }
  return { status: "applied", rules };
}

/**
 * The stored rule says what `wanted` says. MinIO accepts AbortIncompleteMultipartUpload but does
 * not keep it, so its absence there is not a change (AWS keeps it and it is compared).
 */
function sameRule(stored: LifecycleRule, wanted: LifecycleRule): boolean {
  return (Object.keys(wanted) as Array<keyof LifecycleRule>).every(
    (k) =>
      (k === "AbortIncompleteMultipartUpload" && stored[k] === undefined) ||
      canonical(stored[k]) === canonical(wanted[k]),
  );
}

/** JSON with object keys sorted and undefined left out, for comparing what the SDK parsed. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

function lifecycleError(error: unknown, bucket: string, what: "read" | "change"): NbsError {
  const storage = toStorageError(error, { bucket, op: `lifecycle ${what}` });
  if ((error as { name?: string }).name !== "AccessDenied") return storage;
  return new NbsError(
    "ACCESS_DENIED",
    `not permitted to ${what} the lifecycle configuration of bucket ${bucket}`,
    {
      hint: `this needs s3:${what === "read" ? "GetLifecycleConfiguration" : "PutLifecycleConfiguration"}; ask the bucket's owner to apply the printed rule (or config/aws/lifecycle-<env>.json)`,
      cause: error,
    },
  );
}
