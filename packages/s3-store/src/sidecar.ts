import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { parseBackupMeta, serializeBackupMeta, type BackupMeta } from "@nbs/metadata";
import { isNotFound, isPreconditionFailed, toStorageError } from "./errors.js";
import { sseParams, type SseOptions } from "./sse.js";
import { NbsError } from "@nbs/metadata";

export type SidecarState =
  | { state: "absent" }
  | { state: "valid"; meta: BackupMeta }
  | { state: "invalid"; errors: string[] };

/** Sidecars are small; refuse to buffer anything that is obviously not one. */
const MAX_SIDECAR_BYTES = 1024 * 1024;

export async function readSidecar(
  client: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<SidecarState> {
  try {
    const out = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: key }),
      signal ? { abortSignal: signal } : {},
    );
    if ((out.ContentLength ?? 0) > MAX_SIDECAR_BYTES) {
      (out.Body as { destroy?: () => void } | undefined)?.destroy?.();
      return {
        state: "invalid",
        errors: [`sidecar is ${out.ContentLength} bytes, larger than any valid one`],
      };
    }
    const text = (await out.Body?.transformToString("utf8")) ?? "";
    const result = parseBackupMeta(text);
    return result.ok
      ? { state: "valid", meta: result.value }
      : { state: "invalid", errors: result.errors };
  } catch (error) {
    if (isNotFound(error)) return { state: "absent" };
    throw toStorageError(error, { bucket, key, op: "read sidecar" });
  }
}

/** Write the commit marker. Never replaces an existing sidecar. */
export async function writeSidecar(
  client: S3Client,
  bucket: string,
  key: string,
  meta: BackupMeta,
  sse: SseOptions,
  signal?: AbortSignal,
): Promise<{ etag: string; bytes: number }> {
  const body = Buffer.from(serializeBackupMeta(meta), "utf8");
  try {
    const out = await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentLength: body.byteLength,
        ContentType: "application/json",
        IfNoneMatch: "*",
        ...sseParams(sse),
      }),
      signal ? { abortSignal: signal } : {},
    );
    return { etag: (out.ETag ?? "").replace(/^"|"$/g, ""), bytes: body.byteLength };
  } catch (error) {
    if (isPreconditionFailed(error)) {
      // A retried PUT whose first response was lost finds its own sidecar: that is success.
      const current = await readSidecarText(client, bucket, key, signal);
      if (current === body.toString("utf8")) return { etag: "", bytes: body.byteLength };
      throw new NbsError(
        "INTEGRITY",
        `a sidecar appeared at s3://${bucket}/${key} while committing; not overwritten`,
        {
          hint: "another writer committed this key; compare both with nbs-verify",
          cause: error,
        },
      );
    }
    throw toStorageError(error, { bucket, key, op: "write sidecar" });
  }
}

async function readSidecarText(
  client: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
) {
  try {
    const out = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: key }),
      signal ? { abortSignal: signal } : {},
    );
    return await out.Body?.transformToString("utf8");
  } catch {
    return undefined;
  }
}
