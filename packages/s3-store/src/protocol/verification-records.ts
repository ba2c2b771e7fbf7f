import { paginateListObjectsV2, type S3Client } from "@aws-sdk/client-s3";
import { NbsError } from "@nbs/errors";
import { toStorageError } from "../transport/errors.js";
import { getObject } from "../transport/get-object.js";
import { recoverPreconditionFailed } from "../transport/precondition.js";
import { putJsonIfAbsent } from "../transport/put-if-absent.js";
import type { SseOptions } from "../transport/sse.js";

/**
 * Verification records: a successful verification leaves `<dumpKey>.verify/<time>-<mode>.json`
 * next to the backup, written once (`If-None-Match: *`), never touching the dump or its sidecar.
 * The key alone says which backup, when and how; the body says what was checked.
 */
export const VERIFY_RECORD_INFIX = ".verify/";

/** `verified_at` in the key: UTC to the millisecond, so that key order is time order. */
const STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/;
const MODE = /^[a-z][a-z0-9]*$/;
const MAX_RECORD_BYTES = 64 * 1024;

export interface VerificationRecord {
  schemaVersion: 1;
  /** The dump's key. */
  key: string;
  /** The sha256 of the dump that was verified. */
  sha256: string;
  /** ISO 8601 UTC, the same instant as the key's timestamp. */
  verified_at: string;
  /** `checksum`, `check`, `load` (whatever modes nbs-verify has). */
  mode: string;
  /** Only successful verifications are recorded. */
  ok: true;
  nbs_version: string;
  /** Ids of the checks that passed. */
  checks: string[];
  stats?: { nodes: number; relationships: number };
  /** The Neo4j version the dump was loaded into (check / load). */
  neo4j_version?: string;
}

/** What a record's key tells, without reading it. */
export interface VerificationRef {
  /** The record's own key. */
  recordKey: string;
  /** The verified dump's key. */
  dumpKey: string;
  verifiedAt: Date;
  mode: string;
}

/** `20261206T164209123Z`: UTC, millisecond precision. */
function formatStamp(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, "");
}

function parseStamp(stamp: string): Date | undefined {
  const m = STAMP.exec(stamp);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number) as [number, ...number[]];
  const date = new Date(Date.UTC(y, mo! - 1, d, h, mi, s, ms));
  return formatStamp(date) === stamp ? date : undefined;
}

/** The prefix under which every record of one backup lives. */
export function verificationRecordPrefix(dumpKey: string): string {
  return `${dumpKey}${VERIFY_RECORD_INFIX}`;
}

/** `<dumpKey>.verify/<YYYYMMDDTHHMMSSmmmZ>-<mode>.json`. */
export function verificationRecordKey(dumpKey: string, at: Date, mode: string): string {
  if (!MODE.test(mode)) {
    throw new NbsError(
      "SETTING_INVALID",
      `verification mode ${JSON.stringify(mode)} is not a lower-case word`,
      { hint: "name the mode like checksum, check or load" },
    );
  }
  return `${verificationRecordPrefix(dumpKey)}${formatStamp(at)}-${mode}.json`;
}

/** The parts of a record key; undefined for any other key (a dump, a sidecar, a stray object). */
export function parseVerificationRecordKey(recordKey: string): VerificationRef | undefined {
  const at = recordKey.lastIndexOf(VERIFY_RECORD_INFIX);
  if (at <= 0) return undefined;
  const name = recordKey.slice(at + VERIFY_RECORD_INFIX.length);
  const m = /^([0-9TZ]+)-([a-z][a-z0-9]*)\.json$/.exec(name);
  const verifiedAt = m ? parseStamp(m[1]!) : undefined;
  if (!m || !verifiedAt) return undefined;
  return { recordKey, dumpKey: recordKey.slice(0, at), verifiedAt, mode: m[2]! };
}

/** Newest first; equal times by mode, so the order is total. */
function newestFirst(a: VerificationRef, b: VerificationRef): number {
  return b.verifiedAt.getTime() - a.verifiedAt.getTime() || b.recordKey.localeCompare(a.recordKey);
}

/**
 * The newest record per dump among listed keys (any keys: dumps and sidecars are ignored). For
 * one ListObjectsV2 pass over a prefix that also lists the backups: no request per backup.
 */
export function latestVerifications(keys: Iterable<string>): Map<string, VerificationRef> {
  const latest = new Map<string, VerificationRef>();
  for (const key of keys) {
    const ref = parseVerificationRecordKey(key);
    if (!ref) continue;
    const seen = latest.get(ref.dumpKey);
    if (!seen || newestFirst(ref, seen) < 0) latest.set(ref.dumpKey, ref);
  }
  return latest;
}

export interface PutVerificationRecordInput {
  client: S3Client;
  bucket: string;
  record: VerificationRecord;
  /** Encryption of the record; default: the bucket's default encryption applies. */
  sse?: SseOptions;
  signal?: AbortSignal;
}

/**
 * Write one record with `If-None-Match: *`. It never replaces an object: a record already at
 * that key with other content is a KEY_CONFLICT (the same content is this write's own retry).
 * Other failures are the STORAGE-class error of the store's answer (e.g. ACCESS_DENIED).
 */
export async function putVerificationRecord(
  input: PutVerificationRecordInput,
): Promise<{ key: string; bytes: number }> {
  const { client, bucket, record, signal } = input;
  const key = verificationRecordKey(record.key, new Date(record.verified_at), record.mode);
  const text = `${JSON.stringify(record, null, 2)}\n`;
  const body = Buffer.from(text, "utf8");
  try {
    await putJsonIfAbsent(client, {
      bucket,
      key,
      body,
      sse: input.sse ?? { mode: "bucket" },
      signal,
    });
    return { key, bytes: body.byteLength };
  } catch (error) {
    return recoverPreconditionFailed(
      error,
      async () => {
        const current = await readText(client, bucket, key, signal);
        if (current === text) return { key, bytes: body.byteLength };
        throw new NbsError(
          "KEY_CONFLICT",
          `a different verification record is already at s3://${bucket}/${key}; not overwritten`,
          { hint: "records are written once; verify again to record a new one", cause: error },
        );
      },
      () => toStorageError(error, { bucket, key, op: "write verification record", signal }),
    );
  }
}

export interface ListVerificationRecordsInput {
  client: S3Client;
  bucket: string;
  dumpKey: string;
  signal?: AbortSignal;
}

/** Every record of one backup, newest first (what the keys tell; GET one to read its checks). */
export async function listVerificationRecords(
  input: ListVerificationRecordsInput,
): Promise<VerificationRef[]> {
  const refs: VerificationRef[] = [];
  try {
    const pages = paginateListObjectsV2(
      {
        client: input.client,
        pageSize: 1000,
        ...(input.signal ? { abortSignal: input.signal } : {}),
      },
      { Bucket: input.bucket, Prefix: verificationRecordPrefix(input.dumpKey) },
    );
    for await (const page of pages) {
      for (const obj of page.Contents ?? []) {
        const ref = parseVerificationRecordKey(obj.Key ?? "");
        if (ref?.dumpKey === input.dumpKey) refs.push(ref);
      }
    }
  } catch (error) {
    throw toStorageError(error, {
      bucket: input.bucket,
      op: "list verification records",
      signal: input.signal,
    });
  }
  return refs.sort(newestFirst);
}

async function readText(
  client: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const got = await getObject(client, bucket, key, { op: "read verification record", signal });
  if (!got) return undefined;
  if (got.size > MAX_RECORD_BYTES) {
    got.body.destroy();
    return "";
  }
  return (await got.body.transformToString?.("utf8")) ?? "";
}
