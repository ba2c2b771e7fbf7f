import { paginateListObjectsV2, type S3Client } from "@aws-sdk/client-s3";
import { SIDECAR_SUFFIX, normalizePrefix, parseBackupKey } from "@nbs/metadata";
import { NbsError, isNbsError } from "@nbs/errors";
import type { Readable } from "node:stream";
import { toStorageError } from "../transport/errors.js";
import { getObject } from "../transport/get-object.js";
import { headObject } from "../transport/head-object.js";
import { headBackup, type CommittedBackup } from "./head.js";
import { latestVerifications, type VerificationRef } from "./verification-records.js";

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

/** The listing's pages under `<prefix>/<db>/` (without --db the prefix; without both the bucket). */
export function pagesUnder(input: ListBackupsInput) {
  const scope = [normalizePrefix(input.prefix), input.db]
    .filter((s) => s !== undefined && s !== "")
    .join("/");
  return paginateListObjectsV2(
    {
      client: input.client,
      pageSize: 1000,
      ...(input.signal ? { abortSignal: input.signal } : {}),
    },
    { Bucket: input.bucket, Prefix: scope === "" ? undefined : `${scope}/` },
  );
}

/**
 * Backups that have a sidecar next to them, newest dump time first. Dumps without a sidecar
 * (uploads that never committed) are not backups and are left out. Pages through any size.
 */
export async function listBackups(input: ListBackupsInput): Promise<BackupListing[]> {
  return (await listDumps(input))
    .filter((d) => d.state === "committed")
    .map(({ state: _, lastVerification: __, ...listing }) => listing);
}

/** A committed-looking backup passed over because its sidecar is invalid or its dump is gone. */
export interface BrokenBackup {
  key: string;
  reason: string;
}

export interface LatestBackup {
  /** The newest backup whose sidecar validates; undefined when there is none. */
  backup: CommittedBackup | undefined;
  /** Backups newer than `backup` that are broken, newest first. The caller decides what they mean. */
  broken: BrokenBackup[];
  /** Dumps newer than `backup` without a sidecar (uploads still running, or never committed), newest first. */
  uncommitted: string[];
}

/**
 * The newest backup whose sidecar validates, and everything newer that was passed over: broken
 * backups (an invalid sidecar, or a sidecar whose dump is missing) and uncommitted dumps.
 */
export async function latestBackup(input: ListBackupsInput): Promise<LatestBackup> {
  const broken: BrokenBackup[] = [];
  const uncommitted: string[] = [];
  for (const dump of await listDumps(input)) {
    if (dump.state === "uncommitted") {
      uncommitted.push(dump.key);
      continue;
    }
    try {
      const backup = await headBackup(input.client, input.bucket, dump.key, input.signal);
      // A member of a set whose manifest was never written (another member failed) is not picked.
      if (backup && !(await inUncommittedSet(input, backup)))
        return { backup, broken, uncommitted };
      if (backup) {
        uncommitted.push(dump.key);
        continue;
      }
      uncommitted.push(dump.key); // its sidecar went away after the listing
    } catch (error) {
      if (!isNbsError(error) || error.category !== "INTEGRITY") throw error;
      broken.push({ key: dump.key, reason: error.message });
    }
  }
  return { backup: undefined, broken, uncommitted };
}

async function inUncommittedSet(input: ListBackupsInput, backup: CommittedBackup) {
  const set = backup.meta.set;
  if (set === undefined) return false;
  return (
    (await headObject(input.client, input.bucket, set.manifest_key, input.signal)) === undefined
  );
}

/** `committed`: a sidecar next to it; `uncommitted`: none; `orphan`: a sidecar whose dump is gone. */
export type DumpState = "committed" | "uncommitted" | "orphan";

/** A listed dump and whether it is committed; whether its sidecar validates takes a `headBackup`. */
export interface DumpListing extends BackupListing {
  state: DumpState;
  /** The newest verification record of this dump (`nbs-verify --record`), from the same listing. */
  lastVerification?: VerificationRef;
}

/**
 * Every dump in scope, newest dump time first: `committed` with a sidecar next to it,
 * `uncommitted` without one, `orphan` for a sidecar whose dump is not there (a lost backup).
 * Each carries its newest verification record, found in the same listing pass.
 * For catalogues (`nbs-verify list --all`); restores and "latest" want {@link latestBackup}.
 */
export async function listDumps(input: ListBackupsInput): Promise<DumpListing[]> {
  const prefix = normalizePrefix(input.prefix);
  const dumps = new Map<string, BackupListing>();
  const sidecars = new Set<string>();
  const others: string[] = [];
  try {
    const pages = pagesUnder(input);
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
        } else {
          others.push(key);
        }
      }
    }
  } catch (error) {
    throw toStorageError(error, { bucket: input.bucket, op: "list", signal: input.signal });
  }
  const orphans = [...sidecars].flatMap((key) => {
    const parsed = dumps.has(key) ? undefined : parseBackupKey(key);
    return parsed && parsed.prefix === prefix
      ? [{ key, db: parsed.db, createdAt: parsed.createdAt, size: 0, state: "orphan" as const }]
      : [];
  });
  const verified = latestVerifications(others);
  return [
    ...[...dumps.values()].map((d) => ({
      ...d,
      state: sidecars.has(d.key) ? ("committed" as const) : ("uncommitted" as const),
    })),
    ...orphans,
  ]
    .map((d) => {
      const lastVerification = verified.get(d.key);
      return lastVerification ? { ...d, lastVerification } : d;
    })
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.key.localeCompare(a.key));
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
  const got = await getObject(client, bucket, key, { op: "download", signal });
  if (!got) {
    throw new NbsError("NO_SUCH_KEY", `s3://${bucket}/${key} does not exist`, {
      hint: "check the key; nbs-verify --latest finds the newest committed backup",
    });
  }
  return got;
}
