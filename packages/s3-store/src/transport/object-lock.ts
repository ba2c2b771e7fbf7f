import {
  GetObjectRetentionCommand,
  PutObjectRetentionCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { NbsError } from "@nbs/errors";
import { isNotFound, toStorageError } from "./errors.js";

export type ObjectLockMode = "GOVERNANCE" | "COMPLIANCE";

/**
 * S3 Object Lock on every write (dump and sidecar). `none` asks for nothing (a retention the
 * bucket applies by default is still recorded); `bucket` requires the bucket's default retention
 * to apply; a mode with `retainUntil` names the retention on each object.
 */
export type ObjectLockRequest =
  { mode: "none" } | { mode: "bucket" } | { mode: ObjectLockMode; retainUntil: Date };

/** A stored object version's retention. */
export interface ObjectRetention {
  mode: ObjectLockMode;
  retainUntil: Date;
}

/** The headers a write carries (PutObject, CreateMultipartUpload): only for a named retention. */
export function objectLockParams(lock: ObjectLockRequest | undefined): {
  ObjectLockMode?: ObjectLockMode;
  ObjectLockRetainUntilDate?: Date;
} {
  if (lock === undefined || lock.mode === "none" || lock.mode === "bucket") return {};
  return { ObjectLockMode: lock.mode, ObjectLockRetainUntilDate: lock.retainUntil };
}

/** Whether `retention` is at least what was asked for (stores keep whole seconds). */
export function satisfies(
  retention: ObjectRetention | undefined,
  lock: ObjectLockRequest,
): boolean {
  if (lock.mode === "none") return true;
  if (retention === undefined) return false;
  if (lock.mode === "bucket") return true;
  // COMPLIANCE is stricter than GOVERNANCE: it satisfies a request for either.
  const modeOk = retention.mode === lock.mode || retention.mode === "COMPLIANCE";
  return modeOk && seconds(retention.retainUntil) >= seconds(lock.retainUntil);
}

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** GetObjectRetention of the current version; undefined when it has none. */
export async function getObjectRetention(
  client: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<ObjectRetention | undefined> {
  try {
    const out = await client.send(
      new GetObjectRetentionCommand({ Bucket: bucket, Key: key }),
      signal ? { abortSignal: signal } : {},
    );
    const mode = out.Retention?.Mode;
    const until = out.Retention?.RetainUntilDate;
    return mode && until ? { mode, retainUntil: until } : undefined;
  } catch (error) {
    // No retention on this object (AWS: NoSuchObjectLockConfiguration, 404 on MinIO).
    const name = (error as { name?: string }).name;
    if (name === "NoSuchObjectLockConfiguration" || isNotFound(error)) return undefined;
    throw toStorageError(error, { bucket, key, op: "GetObjectRetention", signal });
  }
}

/** Extend (never shorten: S3 refuses that without s3:BypassGovernanceRetention) a retention. */
export async function putObjectRetention(
  client: S3Client,
  bucket: string,
  key: string,
  retention: ObjectRetention,
  signal?: AbortSignal,
): Promise<void> {
  try {
    await client.send(
      new PutObjectRetentionCommand({
        Bucket: bucket,
        Key: key,
        Retention: { Mode: retention.mode, RetainUntilDate: retention.retainUntil },
      }),
      signal ? { abortSignal: signal } : {},
    );
  } catch (error) {
    throw toStorageError(error, { bucket, key, op: "PutObjectRetention", signal });
  }
}

export function assertObjectLockRequest(lock: ObjectLockRequest, now: Date): void {
  if (lock.mode === "none" || lock.mode === "bucket") return;
  if (lock.mode !== "GOVERNANCE" && lock.mode !== "COMPLIANCE") {
    throw new NbsError(
      "OBJECT_LOCK_INVALID",
      `unknown Object Lock mode ${JSON.stringify((lock as { mode: unknown }).mode)}`,
      { hint: "use governance, compliance, bucket (the bucket's default retention) or none" },
    );
  }
  if (!(lock.retainUntil instanceof Date) || !(lock.retainUntil.getTime() > now.getTime())) {
    throw new NbsError(
      "OBJECT_LOCK_INVALID",
      `an Object Lock retain-until date must be in the future`,
      { hint: "pass --object-lock-days N (1 or more)" },
    );
  }
}
