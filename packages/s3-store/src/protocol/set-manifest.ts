import { paginateListObjectsV2, type S3Client } from "@aws-sdk/client-s3";
import { NbsError } from "@nbs/errors";
import {
  normalizePrefix,
  parseSetManifest,
  setIdOfKey,
  setManifestKey,
  type SetManifest,
} from "@nbs/metadata";
import { toStorageError } from "../transport/errors.js";
import { recoverPreconditionFailed } from "../transport/precondition.js";
import { putJsonIfAbsent } from "../transport/put-if-absent.js";
import type { SseOptions } from "../transport/sse.js";
import { readSidecarText } from "./sidecar.js";

const serialize = (manifest: SetManifest) => `${JSON.stringify(manifest, null, 2)}\n`;

/**
 * Commit a set: write its manifest (`<prefix>/sets/<id>.json`) with `If-None-Match: *`, after
 * every member's sidecar. Never replaces a manifest; the same document already there (a retried
 * PUT whose answer was lost) is success, another is KEY_CONFLICT. Returns the manifest's key.
 */
export async function putSetManifest(input: {
  client: S3Client;
  bucket: string;
  prefix: string;
  manifest: SetManifest;
  sse: SseOptions;
  signal?: AbortSignal | undefined;
}): Promise<string> {
  const { client, bucket, signal } = input;
  const key = setManifestKey(input.prefix, input.manifest.id);
  const body = serialize(input.manifest);
  try {
    await putJsonIfAbsent(client, {
      bucket,
      key,
      body: Buffer.from(body, "utf8"),
      sse: input.sse,
      signal,
    });
    return key;
  } catch (error) {
    return recoverPreconditionFailed(
      error,
      async () => {
        const current = await readSidecarText(client, bucket, key, signal);
        return current && !current.tooLarge && current.body === body ? key : undefined;
      },
      () =>
        isPrecondition(error)
          ? new NbsError(
              "KEY_CONFLICT",
              `another set manifest is at s3://${bucket}/${key}; not overwritten`,
              {
                hint: "another run committed a set at the same second; take the set again",
                cause: error,
              },
            )
          : toStorageError(error, { bucket, key, op: "write set manifest", signal }),
    );
  }
}

function isPrecondition(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 412;
}

/** The manifest at `key`, undefined when absent; SET_MANIFEST_INVALID (integrity) when unreadable. */
export async function getSetManifest(
  client: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<SetManifest | undefined> {
  const text = await readSidecarText(client, bucket, key, signal);
  if (text === undefined) return undefined;
  const parsed = text.tooLarge
    ? { ok: false as const, reason: `${text.size} bytes, too large` }
    : parseSetManifest(text.body);
  if (!parsed.ok)
    throw new NbsError(
      "SET_MANIFEST_INVALID",
      `the set manifest s3://${bucket}/${key} is invalid: ${parsed.reason}`,
      {
        hint: "nothing was restored; restore an older set by its key, and investigate how this one was written",
      },
    );
  return parsed.value;
}

/**
 * The newest committed set under a prefix (the newest manifest), or undefined when there is
 * none. Sets whose manifest was never written (a member failed) are not sets: never picked.
 * A newest manifest that does not parse is an error, not a reason to pick an older set.
 */
export async function latestSetManifest(input: {
  client: S3Client;
  bucket: string;
  prefix: string;
  signal?: AbortSignal | undefined;
}): Promise<{ key: string; manifest: SetManifest } | undefined> {
  const { client, bucket, signal } = input;
  const p = normalizePrefix(input.prefix);
  const scope = p === "" ? "sets/" : `${p}/sets/`;
  let newest: string | undefined;
  try {
    const pages = paginateListObjectsV2(
      { client },
      { Bucket: bucket, Prefix: scope },
      ...(signal ? [{ abortSignal: signal }] : []),
    );
    for await (const page of pages)
      for (const o of page.Contents ?? [])
        if (o.Key !== undefined && setIdOfKey(o.Key) !== undefined && (newest ?? "") < o.Key)
          newest = o.Key;
  } catch (error) {
    throw toStorageError(error, { bucket, key: scope, op: "list sets", signal });
  }
  if (newest === undefined) return undefined;
  const manifest = await getSetManifest(client, bucket, newest, signal);
  return manifest === undefined ? undefined : { key: newest, manifest };
}
