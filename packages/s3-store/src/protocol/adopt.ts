import type { Sha256Digest } from "@nbs/checksum";
import { NbsError } from "@nbs/errors";
import type { ObjectInfo } from "../transport/head-object.js";
import { sseMismatch } from "../transport/sse.js";
import { keyConflict } from "./conflict.js";
import { hashObject, type StoredTarget } from "./verify-object.js";

/**
 * An object without a sidecar: an earlier run stopped before committing. It is adopted (and
 * then committed) only when its bytes are the local file's (`local`, hashed by the caller) and it is encrypted as requested.
 */
export async function checkAdoptable(
  target: StoredTarget,
  local: Sha256Digest,
  object: ObjectInfo,
): Promise<void> {
  const { client, bucket, key, signal } = target;
  const remote =
    object.size === local.size ? await hashObject(client, bucket, key, signal) : undefined;
  if (!remote || remote.hex !== local.hex) {
    throw keyConflict(bucket, key, "an uncommitted object with different content");
  }
  const mismatch = sseMismatch(target.sse, {
    ServerSideEncryption: object.sse,
    SSEKMSKeyId: object.kmsKeyId,
  });
  if (mismatch) {
    throw new NbsError("SSE_MISMATCH", `s3://${bucket}/${key}: ${mismatch}`, {
      hint: "delete the uncommitted object and re-run",
    });
  }
}
