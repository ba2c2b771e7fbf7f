import type { S3Client } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { parseBackupMeta, serializeBackupMeta, type BackupMeta } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import { toStorageError } from "../transport/errors.js";
import { getObject } from "../transport/get-object.js";
import { objectLockParams, type ObjectLockRequest } from "../transport/object-lock.js";
import { putJsonIfAbsent } from "../transport/put-if-absent.js";
import { sseParams, type SseOptions } from "../transport/sse.js";
import { recoverPreconditionFailed } from "../transport/precondition.js";

export type SidecarState =
  | { state: "absent" }
  | { state: "valid"; meta: BackupMeta }
  | { state: "invalid"; errors: string[] };

/** Sidecars are small; refuse to buffer anything that is obviously not one. */
const MAX_SIDECAR_BYTES = 1024 * 1024;

/** Reads of a sidecar, including its body: the SDK retries a request, not a body cut short. */
const SIDECAR_READ_ATTEMPTS = 3;

export async function readSidecar(
  client: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<SidecarState> {
  const text = await readSidecarText(client, bucket, key, signal);
  if (text === undefined) return { state: "absent" };
  if (text.tooLarge) {
    return {
      state: "invalid",
      errors: [`sidecar is ${text.size} bytes, larger than any valid one`],
    };
  }
  const result = parseBackupMeta(text.body);
  return result.ok
    ? { state: "valid", meta: result.value }
    : { state: "invalid", errors: result.errors };
}

type SidecarText = { tooLarge: false; body: string } | { tooLarge: true; size: number };

/**
 * GET a sidecar's text; undefined when it does not exist. A failure that may pass (a reset, a
 * body cut short, a 5xx the SDK gave up on) is tried again; one that persists is a STORAGE error,
 * never taken for "absent" or "different".
 */
export async function readSidecarText(
  client: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<SidecarText | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      const got = await getObject(client, bucket, key, { op: "read sidecar", signal });
      if (got === undefined) return undefined;
      if (got.size > MAX_SIDECAR_BYTES) {
        got.body.destroy();
        return { tooLarge: true, size: got.size };
      }
      return { tooLarge: false, body: (await got.body.transformToString?.("utf8")) ?? "" };
    } catch (error) {
      // A body cut short fails while it is read: the same storage error as a failed request.
      const failure = toStorageError(error, { bucket, key, op: "read sidecar", signal });
      const raw = error instanceof NbsError ? error.cause : error;
      if (signal?.aborted || !mayPass(raw) || attempt >= SIDECAR_READ_ATTEMPTS) throw failure;
    }
  }
}

/**
 * A client error (403, 400…) answers the same every time, and a timeout already spent the SDK's
 * --max-attempts (read again, a dead server would take three times the documented bound);
 * anything else — a reset, a body cut short — may pass.
 */
function mayPass(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  if (e?.name === "TimeoutError") return false;
  const status = e?.$metadata?.httpStatusCode;
  return status === undefined || status >= 500 || status === 408 || status === 429;
}

export type WrittenSidecar =
  | { state: "written"; bytes: number }
  /** Another writer committed the same content (same sha256 and size) first: not a conflict. */
  | { state: "twin"; meta: BackupMeta };

/** Write the commit marker. Never replaces an existing sidecar. */
export async function writeSidecar(
  client: S3Client,
  bucket: string,
  key: string,
  meta: BackupMeta,
  sse: SseOptions,
  signal?: AbortSignal,
  objectLock?: ObjectLockRequest,
): Promise<WrittenSidecar> {
  const body = Buffer.from(serializeBackupMeta(meta), "utf8");
  const lock = objectLockParams(objectLock);
  try {
    await putJsonIfAbsent(client, {
      bucket,
      key,
      body,
      sse,
      signal,
      // The sidecar is locked like its dump; S3 requires a checksum on a lock-bearing PUT.
      extra:
        lock.ObjectLockMode === undefined
          ? {}
          : { ...lock, ChecksumSHA256: createHash("sha256").update(body).digest("base64") },
    });
    return { state: "written", bytes: body.byteLength };
  } catch (error) {
    return recoverPreconditionFailed(
      error,
      async () => {
        const current = await readSidecarText(client, bucket, key, signal);
        // A retried PUT whose first response was lost finds its own sidecar: that is success.
        if (current && !current.tooLarge && current.body === body.toString("utf8")) {
          return { state: "written", bytes: body.byteLength } as const;
        }
        const theirs = current && !current.tooLarge ? parseBackupMeta(current.body) : undefined;
        if (theirs?.ok && theirs.value.sha256 === meta.sha256 && theirs.value.size === meta.size) {
          return { state: "twin", meta: theirs.value } as const;
        }
        throw new NbsError(
          "KEY_CONFLICT",
          `a sidecar for different content appeared at s3://${bucket}/${key} while committing; not overwritten`,
          {
            hint: "another writer committed this key with other bytes; compare both with nbs-verify",
            cause: error,
          },
        );
      },
      () =>
        toStorageError(error, {
          bucket,
          key,
          op: "write sidecar",
          sseRequested: sseParams(sse).ServerSideEncryption !== undefined,
          signal,
        }),
    );
  }
}
