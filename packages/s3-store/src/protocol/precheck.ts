import type { BackupMeta } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import { headObject, type ObjectInfo } from "../transport/head-object.js";
import type { StoreEvent } from "./store-event.js";
import { readSidecar } from "./sidecar.js";
import type { StoredTarget } from "./verify-object.js";

export type Precheck =
  | { state: "committed"; meta: BackupMeta }
  | { state: "invalid"; errors: string[] }
  | { state: "uncommitted"; object: ObjectInfo }
  | { state: "absent" };

interface PrecheckTarget extends Pick<StoredTarget, "client" | "bucket" | "key" | "signal"> {
  metaKey: string;
  emit: StoreEvent;
}

/**
 * What the key holds now: a committed backup, a sidecar that does not validate, an object without
 * a sidecar, or nothing.
 *
 * AWS answers a GET or HEAD of a key that does not exist with 403, not 404, when the caller's
 * s3:ListBucket is limited by `s3:prefix` (a common least-privilege policy). So 403 on both the
 * sidecar and the dump is taken for "absent", with a warning: the writes that follow carry
 * `If-None-Match: *`, so a key that does exist is never overwritten (the write fails instead).
 * A 403 on one of the two while the other answers is a real denial and stays ACCESS_DENIED.
 */
export async function precheck(job: PrecheckTarget): Promise<Precheck> {
  const { client, bucket, key, metaKey, signal } = job;
  const existing = await readSidecar(client, bucket, metaKey, signal).catch(forbiddenOrThrow);
  if (existing instanceof Forbidden) {
    const object = await headObject(client, bucket, key, signal).catch(forbiddenOrThrow);
    // The dump answers while its sidecar does not: the policy denies the sidecar itself.
    if (!(object instanceof Forbidden)) throw existing.error;
    job.emit(
      "precheck.forbidden",
      {
        key,
        message:
          "the store answered 403, not 404, for the dump and its sidecar: taken as absent (a role whose s3:ListBucket is limited by s3:prefix gets 403 for a key that does not exist); the upload still never overwrites (If-None-Match: *)",
      },
      "warn",
    );
    return { state: "absent" };
  }
  if (existing.state === "invalid") return existing;
  if (existing.state === "valid") return { state: "committed", meta: existing.meta };
  const object = await headObject(client, bucket, key, signal);
  return object ? { state: "uncommitted", object } : { state: "absent" };
}

class Forbidden {
  constructor(readonly error: unknown) {}
}

/** A plain 403 (AccessDenied; a HEAD's bodiless 403); credential errors are 403 too, and stay. */
function forbiddenOrThrow(error: unknown): Forbidden {
  const raw = (error instanceof NbsError ? error.cause : error) as
    { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  // A HEAD's 403 has no body: the SDK names it "Unknown" (MinIO) or by its status. The sidecar's
  // GET is asked first and has a body, so a credential error is told apart there.
  const plain = ["AccessDenied", "403", "Forbidden", "Unknown"].includes(raw?.name ?? "");
  if (raw?.$metadata?.httpStatusCode === 403 && plain) return new Forbidden(error);
  throw error;
}
