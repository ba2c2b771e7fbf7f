import { DeleteObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { normalizePrefix, parseBackupKey, sidecarKey } from "@nbs/metadata";
import { isNotFound, toStorageError } from "../transport/errors.js";
import { listDumps, pagesUnder, type DumpListing } from "./list.js";
import type { PlanEntry, PruneCandidate } from "./prune-plan.js";
import { readSidecar } from "./sidecar.js";
import {
  latestVerifications,
  listVerificationRecords,
  type VerificationRef,
} from "./verification-records.js";

/**
 * The I/O half of prune: list what is under the prefix as planner candidates (server times and
 * Object Lock retention from HEAD, never from the sidecar), and apply a plan's removals in the
 * order that keeps an interrupted prune safe. The planning itself is prune-plan.ts.
 */

export interface PruneListInput {
  client: S3Client;
  bucket: string;
  prefix: string;
  db?: string;
  signal?: AbortSignal;
  /** HEADs and sidecar reads at once (default 8). */
  concurrency?: number;
}

/** A candidate with what applying its removal needs. */
export interface PruneTarget extends PruneCandidate {
  /** Objects to delete, in order (sidecar, dump), with the version HEAD saw; records are listed at delete time. */
  objects: StoredObject[];
}

export interface StoredObject {
  key: string;
  versionId?: string | undefined;
  role: "sidecar" | "dump" | "record";
}

interface Head {
  size: number;
  lastModified?: Date | undefined;
  versionId?: string | undefined;
  retainUntil?: Date | undefined;
}

/** HEAD for the server's LastModified, version and Object Lock retain-until; undefined when absent. */
async function head(
  client: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<Head | undefined> {
  try {
    const out = await client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: key }),
      signal ? { abortSignal: signal } : {},
    );
    return {
      size: out.ContentLength ?? 0,
      lastModified: out.LastModified,
      versionId: out.VersionId,
      retainUntil: out.ObjectLockRetainUntilDate,
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw toStorageError(error, { bucket, key, op: "HEAD", signal });
  }
}

const laterOf = (...dates: Array<Date | undefined>): Date | undefined => {
  const times = dates.filter((d): d is Date => d !== undefined).map((d) => d.getTime());
  return times.length === 0 ? undefined : new Date(Math.max(...times));
};

/** Every dump, sidecar and verification-record group under the scope, as planner candidates. */
export async function listPruneTargets(input: PruneListInput): Promise<PruneTarget[]> {
  const scope = {
    client: input.client,
    bucket: input.bucket,
    prefix: input.prefix,
    ...(input.db ? { db: input.db } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
  };
  const dumps = await listDumps(scope);
  const out: PruneTarget[] = [];
  const width = input.concurrency ?? 8;
  for (let i = 0; i < dumps.length; i += width)
    out.push(...(await Promise.all(dumps.slice(i, i + width).map((d) => describe(d, input)))));
  const seen = new Set(dumps.map((d) => d.key));
  for (const ref of (await strayRecords(input)).values()) {
    const parsed = parseBackupKey(ref.dumpKey);
    if (seen.has(ref.dumpKey) || !parsed || parsed.prefix !== normalizePrefix(input.prefix))
      continue;
    out.push({
      key: ref.dumpKey,
      db: parsed.db,
      state: "records",
      createdAt: ref.verifiedAt,
      lastModified: ref.verifiedAt,
      objects: [],
    });
  }
  return out;
}

/**
 * The newest record per dump key under the scope, in one more listing pass: records whose
 * backup is gone (a prune interrupted after the dump's delete) are not in `listDumps`.
 */
async function strayRecords(input: PruneListInput): Promise<Map<string, VerificationRef>> {
  const keys: string[] = [];
  try {
    const pages = pagesUnder(input);
    for await (const page of pages) for (const o of page.Contents ?? []) keys.push(o.Key ?? "");
  } catch (error) {
    throw toStorageError(error, { bucket: input.bucket, op: "list", signal: input.signal });
  }
  return latestVerifications(keys);
}

async function describe(dump: DumpListing, input: PruneListInput): Promise<PruneTarget> {
  const { client, bucket, signal } = input;
  const base = { key: dump.key, db: dump.db, createdAt: dump.createdAt };
  const dumpHead =
    dump.state === "orphan" ? undefined : await head(client, bucket, dump.key, signal);
  const sideHead =
    dump.state === "uncommitted"
      ? undefined
      : await head(client, bucket, sidecarKey(dump.key), signal);
  const objects: StoredObject[] = [
    ...(sideHead
      ? [{ key: sidecarKey(dump.key), versionId: sideHead.versionId, role: "sidecar" as const }]
      : []),
    ...(dumpHead ? [{ key: dump.key, versionId: dumpHead.versionId, role: "dump" as const }] : []),
  ];
  const server = {
    lastModified: dumpHead?.lastModified ?? sideHead?.lastModified,
    lockedUntil: laterOf(dumpHead?.retainUntil, sideHead?.retainUntil),
    ...(dump.lastVerification ? { verifiedAt: dump.lastVerification.verifiedAt } : {}),
    objects,
  };
  if (!sideHead) return { ...base, ...server, state: "uncommitted" };
  if (!dumpHead)
    return {
      ...base,
      ...server,
      state: "broken",
      brokenReason: "its sidecar commits a dump that is missing",
    };
  const sidecar = await readSidecar(client, bucket, sidecarKey(dump.key), signal);
  if (sidecar.state === "absent") return { ...base, ...server, state: "uncommitted" };
  if (sidecar.state === "invalid")
    return {
      ...base,
      ...server,
      state: "broken",
      brokenReason: `invalid sidecar: ${sidecar.errors.join("; ")}`,
    };
  const meta = sidecar.meta;
  if (meta.size !== dumpHead.size)
    return {
      ...base,
      ...server,
      state: "broken",
      brokenReason: `the stored object is ${dumpHead.size} bytes, the sidecar records ${meta.size}`,
    };
  return {
    ...base,
    ...server,
    state: "committed",
    createdAt: new Date(meta.created_at),
    ...shrinkOf(meta),
  };
}

/** The sidecar's optional `shrink` record (contracts: `{ from_key, from, to, ratio }`). */
function shrinkOf(meta: object): Pick<PruneCandidate, "shrink"> {
  const shrink: unknown = (meta as { shrink?: unknown }).shrink;
  if (typeof shrink !== "object" || shrink === null) return {};
  const { from_key, ratio } = shrink as { from_key?: unknown; ratio?: unknown };
  return {
    shrink: {
      fromKey: typeof from_key === "string" ? from_key : undefined,
      ratio: typeof ratio === "number" ? ratio : undefined,
    },
  };
}

export interface ApplyPruneInput {
  client: S3Client;
  bucket: string;
  plan: readonly PlanEntry[];
  targets: readonly PruneTarget[];
  signal?: AbortSignal;
  /** For the retention of verification records (HEAD at delete time). */
  now: Date;
  /** Called after each object is deleted, or left because its retention still holds. */
  onDeleted?: (object: StoredObject, entry: PlanEntry, outcome: "deleted" | "locked") => void;
}

/**
 * Delete what the plan removes, oldest first, each backup's sidecar first (it stops being a
 * commit), then its dump, then its verification records: an interrupted prune leaves at worst an
 * uncommitted dump or stray records, which the next prune removes. In a versioned (Object Lock)
 * bucket the version HEAD saw is deleted, so the bytes go, not just the name; the store refuses
 * while a retention holds (then the run fails with ACCESS_DENIED, nothing after it is touched).
 */
export async function applyPrunePlan(input: ApplyPruneInput): Promise<number> {
  const byKey = new Map(input.targets.map((t) => [t.key, t]));
  const removals = input.plan
    .filter((e) => e.action === "remove")
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.key.localeCompare(b.key));
  let deleted = 0;
  for (const entry of removals) {
    const records = (
      await listVerificationRecords({
        client: input.client,
        bucket: input.bucket,
        dumpKey: entry.key,
        ...(input.signal ? { signal: input.signal } : {}),
      })
    ).map((r) => ({ key: r.recordKey, role: "record" as const }));
    for (const object of [...(byKey.get(entry.key)?.objects ?? []), ...records]) {
      input.signal?.throwIfAborted();
      const version = object.role === "record" ? await recordVersion(input, object) : object;
      if (version === "locked") {
        input.onDeleted?.(object, entry, "locked");
        continue;
      }
      if (version) await deleteObject(input.client, input.bucket, version, input.signal);
      deleted++;
      input.onDeleted?.(object, entry, "deleted");
    }
  }
  return deleted;
}

/**
 * A record's current version, seen at delete time; "locked" while a retention holds (a bucket's
 * default retention locks records too, and they outlive their backup): left for a later prune.
 */
async function recordVersion(
  input: ApplyPruneInput,
  object: StoredObject,
): Promise<StoredObject | "locked" | undefined> {
  const got = await head(input.client, input.bucket, object.key, input.signal);
  if (!got) return undefined;
  if (got.retainUntil && got.retainUntil.getTime() > input.now.getTime()) return "locked";
  return { ...object, versionId: got.versionId };
}

async function deleteObject(
  client: S3Client,
  bucket: string,
  object: StoredObject,
  signal?: AbortSignal,
): Promise<void> {
  try {
    await client.send(
      new DeleteObjectCommand({
        Bucket: bucket,
        Key: object.key,
        ...(object.versionId && object.versionId !== "null" ? { VersionId: object.versionId } : {}),
      }),
      signal ? { abortSignal: signal } : {},
    );
  } catch (error) {
    if (isNotFound(error)) return;
    throw toStorageError(error, { bucket, key: object.key, op: "delete", signal });
  }
}
