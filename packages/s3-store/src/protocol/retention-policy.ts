import { GetObjectLockConfigurationCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ObjectLockInfo } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import { toStorageError } from "../transport/errors.js";
import type { StoreEvent } from "./store-event.js";
import {
  getObjectRetention,
  putObjectRetention,
  satisfies,
  type ObjectLockRequest,
  type ObjectRetention,
} from "../transport/object-lock.js";

/**
 * A lock asked for needs a bucket with Object Lock (and, for `bucket`, a default retention):
 * checked with GetObjectLockConfiguration before any data is sent, so a bucket without it is a
 * usage error, not an upload that a store refuses half-way (or one that ignores the headers).
 */
export async function assertBucketLockable(
  client: S3Client,
  bucket: string,
  lock: ObjectLockRequest | undefined,
  signal?: AbortSignal,
): Promise<void> {
  if (lock === undefined || lock.mode === "none") return;
  let config;
  try {
    const out = await client.send(
      new GetObjectLockConfigurationCommand({ Bucket: bucket }),
      signal ? { abortSignal: signal } : {},
    );
    config = out.ObjectLockConfiguration;
  } catch (error) {
    if ((error as { name?: string }).name !== "ObjectLockConfigurationNotFoundError")
      throw toStorageError(error, { bucket, op: "GetObjectLockConfiguration", signal });
  }
  if (config?.ObjectLockEnabled !== "Enabled") {
    throw new NbsError(
      "OBJECT_LOCK_NOT_ENABLED",
      `bucket ${bucket} has no Object Lock, so --object-lock ${lock.mode.toLowerCase()} cannot be applied; nothing was sent`,
      {
        hint: "use a bucket created with Object Lock (config/aws/terraform; mc mb --with-lock; aws s3api create-bucket --object-lock-enabled-for-bucket), or drop --object-lock",
      },
    );
  }
  if (lock.mode === "bucket" && config.Rule?.DefaultRetention?.Mode === undefined) {
    throw new NbsError(
      "OBJECT_LOCK_NO_DEFAULT",
      `bucket ${bucket} has Object Lock but no default retention, so --object-lock bucket would lock nothing; nothing was sent`,
      {
        hint: "give the bucket a default retention (config/aws/terraform object_lock_days; aws s3api put-object-lock-configuration), or pass --object-lock governance --object-lock-days N",
      },
    );
  }
}

interface LockTarget {
  client: S3Client;
  bucket: string;
  key: string;
  signal?: AbortSignal | undefined;
  emit?: StoreEvent | undefined;
}

/**
 * The retention the stored object carries, made to satisfy the request: a named retention the
 * object lacks or carries shorter (a resumed or adopted upload an earlier run started) is
 * extended with PutObjectRetention — S3 lets the upload role extend, never shorten. With `none`
 * whatever HEAD reported (a bucket default) is returned as is. A store that still reports less
 * ignores Object Lock: OBJECT_LOCK_NOT_HONOURED.
 */
export async function settleRetention(
  target: LockTarget,
  lock: ObjectLockRequest | undefined,
  reported: ObjectRetention | undefined,
): Promise<ObjectRetention | undefined> {
  if (lock === undefined || lock.mode === "none") return reported;
  const { client, bucket, key, signal } = target;
  let current = await getObjectRetention(client, bucket, key, signal);
  if (!satisfies(current, lock) && lock.mode !== "bucket") {
    target.emit?.(
      "upload.lock.extend",
      {
        key,
        found: current ? lockInfo(current) : null,
        message:
          "the stored object carries a shorter retention than asked (an earlier run's upload): extending it",
      },
      "warn",
    );
    await putObjectRetention(
      client,
      bucket,
      key,
      { mode: lock.mode, retainUntil: lock.retainUntil },
      signal,
    );
    current = await getObjectRetention(client, bucket, key, signal);
  }
  if (satisfies(current, lock)) return current;
  const asked =
    lock.mode === "bucket"
      ? "the bucket's default retention"
      : `${lock.mode} until ${lock.retainUntil.toISOString()}`;
  const got = current ? `${current.mode} until ${current.retainUntil.toISOString()}` : "none";
  throw new NbsError(
    "OBJECT_LOCK_NOT_HONOURED",
    `the store accepted s3://${bucket}/${key} but did not apply the Object Lock retention asked for (${asked}; it carries ${got}); nothing was committed`,
    {
      hint:
        lock.mode === "bucket"
          ? "this store does not report a bucket default retention on the object (versitygw enforces it but reports none), so it cannot be proven: name it per object with --object-lock governance|compliance --object-lock-days N"
          : "use a store that implements S3 Object Lock",
    },
  );
}

/** The sidecar's record of a retention. */
export function lockInfo(retention: ObjectRetention): ObjectLockInfo {
  return { mode: retention.mode, retain_until: retention.retainUntil.toISOString() };
}
