import { DeleteObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { sha256File, type Sha256Digest } from "@nbs/checksum";
import {
  buildBackupMeta,
  isValidBucketName,
  sidecarKey,
  type BackupMeta,
  type BackupMetaInput,
} from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import { stat } from "node:fs/promises";
import { headObject, type ObjectInfo } from "./head.js";
import { hashObject, objectMetadata, storageInfo, verifyObject } from "./verify-object.js";
import { readSidecar, writeSidecar } from "./sidecar.js";
import { assertSseOptions, sseMismatch, type SseOptions } from "./sse.js";
import { uploadFile, type PartChecksum, type UploadProgress } from "./upload-file.js";

export type SidecarFields = Omit<BackupMetaInput, "sha256" | "size" | "storage" | "uploaded_at">;

/** Progress of the protocol for logs; `warn` marks what an operator should know about. */
export type StoreEvent = (
  event: string,
  fields: Record<string, unknown>,
  level?: "debug" | "warn",
) => void;

export interface PutBackupInput {
  client: S3Client;
  bucket: string;
  key: string;
  /** Local dump file. */
  file: string;
  sse: SseOptions;
  /** Sidecar fields known before the upload (db, times, who, neo4j, stats…). */
  meta: SidecarFields;
  /** sha256 recorded when the dump was taken (local sidecar); a different upload is not committed. */
  expectedSha256?: string;
  partSize?: number;
  concurrency?: number;
  /** Default `CRC32`; `none` for stores that reject checksum headers (parts are then signed). */
  partChecksum?: PartChecksum;
  /** See UploadFileInput.resumeIdleMs: when an interrupted run's multipart upload is resumed. */
  resumeIdleMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: UploadProgress) => void;
  onEvent?: StoreEvent;
  now?: () => Date;
}

export type PutStatus = "uploaded" | "skipped" | "adopted";

export interface PutBackupResult {
  status: PutStatus;
  bucket: string;
  key: string;
  sidecarKey: string;
  sha256: string;
  size: number;
  meta: BackupMeta;
}

/** Upload a dump and commit it with its sidecar, following docs/architecture.md §3 step by step. */
export async function putBackup(input: PutBackupInput): Promise<PutBackupResult> {
  const { client, bucket, key, signal } = input;
  const emit: StoreEvent = input.onEvent ?? (() => {});
  if (!isValidBucketName(bucket)) {
    throw new NbsError("USAGE", `invalid bucket name ${JSON.stringify(bucket)}`, {
      hint: "use a valid S3 bucket name",
    });
  }
  assertSseOptions(input.sse);
  const { size } = await stat(input.file).catch((error: NodeJS.ErrnoException) => {
    throw new NbsError("INPUT", `cannot read ${input.file}: ${error.code ?? error.message}`, {
      hint: "the dump disappeared or became unreadable; check the file and re-run",
      cause: error,
    });
  });
  const metaKey = sidecarKey(key);

  const existing = await readSidecar(client, bucket, metaKey, signal);
  if (existing.state === "invalid") {
    throw new NbsError(
      "INTEGRITY",
      `s3://${bucket}/${metaKey} exists but is not a valid sidecar: ${existing.errors.join("; ")}`,
      {
        hint: "inspect it by hand; nbs never overwrites an existing backup",
      },
    );
  }
  if (existing.state === "valid") {
    emit("precheck.committed", { key, sha256: existing.meta.sha256 });
    const local = await sha256File(input.file, signal ? { signal } : {});
    assertSame(bucket, key, local, existing.meta.sha256, existing.meta.size);
    assertExpected(local.hex, input.expectedSha256, bucket, key);
    const stored = await headObject(client, bucket, key, signal);
    if (!stored) {
      throw new NbsError("INTEGRITY", `s3://${bucket}/${metaKey} commits a dump that is missing`, {
        hint: "the stored backup was deleted outside nbs; move the sidecar aside to upload again",
      });
    }
    // "skipped" may lead to --prune-local deleting the local copy: the stored object must
    // still be the one the sidecar describes, not something rewritten outside nbs.
    assertStoredMatches(bucket, key, stored, existing.meta);
    return {
      status: "skipped",
      bucket,
      key,
      sidecarKey: metaKey,
      sha256: local.hex,
      size,
      meta: existing.meta,
    };
  }

  const leftover = await headObject(client, bucket, key, signal);
  if (leftover) return adopt(input, leftover, size, emit);

  emit("upload.start", { key, size });
  const up = await uploadFile({
    client,
    bucket,
    key,
    path: input.file,
    size,
    sse: input.sse,
    metadata: objectMetadata(input.meta),
    ...(input.partSize === undefined ? {} : { partSize: input.partSize }),
    ...(input.concurrency === undefined ? {} : { concurrency: input.concurrency }),
    ...(input.partChecksum === undefined ? {} : { partChecksum: input.partChecksum }),
    ...(input.resumeIdleMs === undefined ? {} : { resumeIdleMs: input.resumeIdleMs }),
    ...(signal ? { signal } : {}),
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    onEvent: emit,
  });
  emit("upload.done", {
    key,
    sha256: up.digest.hex,
    etag: up.etag,
    parts: up.plan.parts,
    written: up.written,
  });
  // Only an object this run's own request created is ever deleted: after a recovered 412 the
  // object in place may be another writer's (with the same bytes), and it stays.
  const discard = async () => {
    if (up.written) await deleteQuietly(client, bucket, key);
  };
  if (input.expectedSha256 !== undefined && input.expectedSha256 !== up.digest.hex) {
    await discard();
    assertExpected(up.digest.hex, input.expectedSha256, bucket, key);
  }
  const object = await verifyObject(
    input,
    up.digest,
    { etag: up.etag, multipart: up.plan.multipart, checksumCrc32: up.checksumCrc32 },
    up.written,
  ).catch(async (error: unknown) => {
    await discard();
    throw error;
  });
  const meta = buildBackupMeta({
    ...input.meta,
    sha256: up.digest.hex,
    size,
    uploaded_at: (input.now ?? (() => new Date()))(),
    storage: storageInfo(bucket, key, object, up.plan.multipart ? up.plan : undefined),
  });
  return commit(input, meta, "uploaded", emit);
}

/** An object without a sidecar: an earlier run stopped before committing. Adopt it only if identical. */
async function adopt(
  input: PutBackupInput,
  object: ObjectInfo,
  size: number,
  emit: StoreEvent,
): Promise<PutBackupResult> {
  const { client, bucket, key, signal } = input;
  emit("precheck.uncommitted", { key, size: object.size });
  const local = await sha256File(input.file, signal ? { signal } : {});
  assertExpected(local.hex, input.expectedSha256, bucket, key);
  const remote = object.size === size ? await hashObject(client, bucket, key, signal) : undefined;
  if (!remote || remote.hex !== local.hex) {
    throw conflict(bucket, key, "an uncommitted object with different content");
  }
  const mismatch = sseMismatch(input.sse, {
    ServerSideEncryption: object.sse,
    SSEKMSKeyId: object.kmsKeyId,
  });
  if (mismatch)
    throw new NbsError("INTEGRITY", `s3://${bucket}/${key}: ${mismatch}`, {
      hint: "delete the uncommitted object and re-run",
    });
  const meta = buildBackupMeta({
    ...input.meta,
    sha256: local.hex,
    size,
    uploaded_at: (input.now ?? (() => new Date()))(),
    storage: storageInfo(bucket, key, object, undefined),
  });
  return commit(input, meta, "adopted", emit);
}

async function commit(
  input: PutBackupInput,
  meta: BackupMeta,
  status: PutStatus,
  emit: StoreEvent,
): Promise<PutBackupResult> {
  const { client, bucket, key, signal } = input;
  const metaKey = sidecarKey(key);
  const written = await writeSidecar(client, bucket, metaKey, meta, input.sse, signal);
  if (written.state === "twin") {
    // An identical upload committed first: the same bytes are stored and committed once.
    emit("commit.twin", { key, sidecar: metaKey, uploaded_at: written.meta.uploaded_at });
    return {
      status: "skipped",
      bucket,
      key,
      sidecarKey: metaKey,
      sha256: written.meta.sha256,
      size: written.meta.size,
      meta: written.meta,
    };
  }
  const head = await headObject(client, bucket, metaKey, signal);
  if (!head || head.size !== written.bytes) {
    throw new NbsError(
      "INTEGRITY",
      `sidecar s3://${bucket}/${metaKey} did not read back as written`,
      {
        hint: "the backup is not committed; re-run the upload",
      },
    );
  }
  emit("commit.done", { key, sidecar: metaKey });
  return { status, bucket, key, sidecarKey: metaKey, sha256: meta.sha256, size: meta.size, meta };
}

async function deleteQuietly(client: S3Client, bucket: string, key: string): Promise<void> {
  try {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  } catch {
    // Left without a sidecar it is not a backup; listing and retention ignore it.
  }
}

function assertSame(
  bucket: string,
  key: string,
  local: Sha256Digest,
  sha256: string,
  size: number,
): void {
  if (local.hex !== sha256 || local.size !== size) {
    throw conflict(
      bucket,
      key,
      `a committed backup with sha256 ${sha256.slice(0, 12)}… (${size} bytes)`,
    );
  }
}

function assertStoredMatches(
  bucket: string,
  key: string,
  stored: ObjectInfo,
  meta: BackupMeta,
): void {
  const problems: string[] = [];
  if (stored.size !== meta.size)
    problems.push(`size ${stored.size} != ${meta.size} in the sidecar`);
  const etag = meta.storage?.etag;
  if (etag && stored.etag !== etag) problems.push(`etag ${stored.etag} != ${etag} in the sidecar`);
  // "none" in the sidecar records an object stored without SSE (HEAD reports none).
  if (meta.storage?.sse && (stored.sse ?? "none") !== meta.storage.sse) {
    problems.push(`encryption ${stored.sse ?? "none"} != ${meta.storage.sse} in the sidecar`);
  }
  if (problems.length > 0) {
    throw new NbsError(
      "INTEGRITY",
      `s3://${bucket}/${key} no longer matches its sidecar: ${problems.join("; ")}`,
      {
        hint: "the stored dump was changed outside nbs; keep the local dump and investigate (nbs-verify)",
      },
    );
  }
}

function assertExpected(
  actual: string,
  expected: string | undefined,
  bucket: string,
  key: string,
): void {
  if (expected !== undefined && actual !== expected) {
    throw new NbsError(
      "INTEGRITY",
      `the dump's sha256 ${actual.slice(0, 12)}… differs from ${expected.slice(0, 12)}… recorded when it was taken; s3://${bucket}/${key} not committed`,
      {
        hint: "the dump changed after backup.sh wrote its sidecar; take a fresh backup",
      },
    );
  }
}

function conflict(bucket: string, key: string, what: string): NbsError {
  return new NbsError(
    "INTEGRITY",
    `s3://${bucket}/${key} already holds ${what}; refusing to overwrite`,
    {
      hint: "nothing was changed; check whether two different dumps share a name and dump time",
    },
  );
}
