import { GetObjectCommand, paginateListObjectsV2, type S3Client } from "@aws-sdk/client-s3";
import {
  NbsError,
  SIDECAR_SUFFIX,
  isNbsError,
  normalizePrefix,
  parseBackupKey,
} from "@nbs/metadata";
import type { Readable } from "node:stream";
import { toStorageError } from "./errors.js";
import { headBackup, type CommittedBackup } from "./head.js";
import type { StoreEvent } from "./put.js";

export interface BackupListing {
  key: string;
  db: string;
  createdAt: Date;
  size: number;
}

export interface ListBackupsInput {
  client: S3Client;
  bucket: string;
  prefix: string;
  /** Only this database. */
  db?: string;
  signal?: AbortSignal;
}

/**
 * Backups that have a sidecar next to them, newest dump time first. Dumps without a sidecar
 * (uploads that never committed) are not backups and are left out. Pages through any size.
 */
export async function listBackups(input: ListBackupsInput): Promise<BackupListing[]> {
  const prefix = normalizePrefix(input.prefix);
  const scope = [prefix, input.db].filter((s) => s !== undefined && s !== "").join("/");
  const dumps = new Map<string, BackupListing>();
  const sidecars = new Set<string>();
  try {
    const pages = paginateListObjectsV2(
      {
        client: input.client,
        pageSize: 1000,
        ...(input.signal ? { abortSignal: input.signal } : {}),
      },
      { Bucket: input.bucket, Prefix: scope === "" ? undefined : `${scope}/` },
    );
    for await (const page of pages) {
      for (const obj of page.Contents ?? []) {
        const key = obj.Key ?? "";
        if (key.endsWith(SIDECAR_SUFFIX)) {
          sidecars.add(key.slice(0, -SIDECAR_SUFFIX.length));
          continue;
        }
        const parsed = parseBackupKey(key);
        if (parsed && parsed.prefix === prefix) {
          dumps.set(key, { key, db: parsed.db, createdAt: parsed.createdAt, size: obj.Size ?? 0 });
        }
      }
    }
  } catch (error) {
    throw toStorageError(error, { bucket: input.bucket, op: "list" });
  }
  return [...dumps.values()]
    .filter((d) => sidecars.has(d.key))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.key.localeCompare(a.key));
}

/** The newest backup whose sidecar validates; invalid ones are reported and passed over. */
export async function latestBackup(
  input: ListBackupsInput & { onEvent?: StoreEvent },
): Promise<CommittedBackup | undefined> {
  for (const listing of await listBackups(input)) {
    try {
      const backup = await headBackup(input.client, input.bucket, listing.key, input.signal);
      if (backup) return backup;
    } catch (error) {
      if (!isNbsError(error) || error.code !== "INTEGRITY") throw error;
      input.onEvent?.("latest.skip", { key: listing.key, reason: error.message });
    }
  }
  return undefined;
}

export interface BackupStream {
  body: Readable;
  size: number;
  etag: string;
}

/** Stream a stored dump; the caller hashes it while writing it somewhere. */
export async function getBackupStream(
  client: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<BackupStream> {
  try {
    const out = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: key }),
      signal ? { abortSignal: signal } : {},
    );
    if (!out.Body) throw new NbsError("STORAGE", `s3://${bucket}/${key} returned no body`);
    return {
      body: out.Body as Readable,
      size: out.ContentLength ?? 0,
      etag: (out.ETag ?? "").replace(/^"|"$/g, ""),
    };
  } catch (error) {
    throw toStorageError(error, { bucket, key, op: "download" });
  }
}
