import type { S3Client } from "@aws-sdk/client-s3";
import {
  MetaValidationError,
  isValidBucketName,
  normalizePrefix,
  parseBackupMeta,
  sidecarKey,
  type BackupMeta,
} from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import { getBackupStream, headBackup, latestBackup, type ObjectInfo } from "@nbs/s3-store";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { Readable } from "node:stream";

/** Where the backup to verify comes from. */
export type VerifySource =
  | { kind: "s3"; bucket: string; key: string }
  | { kind: "latest"; bucket: string; prefix: string; db?: string }
  | { kind: "file"; path: string };

/** A source pinned to one dump, with what it claims to be. */
export interface ResolvedSource {
  kind: VerifySource["kind"];
  /** `s3://bucket/key` or the local path. */
  location: string;
  bucket?: string;
  key?: string;
  path?: string;
  /** Undefined only for a local file without `<file>.meta.json`. */
  meta: BackupMeta | undefined;
  /** HEAD of the stored object (S3 sources). */
  object: ObjectInfo | undefined;
  /** Bytes to read, as far as known before reading them. */
  size: number;
  /** The bytes as stored: opened once, read once. */
  open(signal?: AbortSignal): Promise<Readable>;
}

/** `s3://bucket/some/key.dump` → `{ bucket, key }`. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri.trim());
  if (!m || !isValidBucketName(m[1]!)) {
    throw new NbsError("S3_URI_INVALID", `not an S3 URI: ${JSON.stringify(uri)}`, {
      hint: "use s3://<bucket>/<key>, e.g. s3://acme-backups/prod/neo4j/neo4j-20261124T101500Z.dump",
    });
  }
  return { bucket: m[1]!, key: m[2]! };
}

export function describeSource(source: VerifySource): string {
  if (source.kind === "s3") return `s3://${source.bucket}/${source.key}`;
  if (source.kind === "file") return source.path;
  const scope = [normalizePrefix(source.prefix), source.db].filter(Boolean).join("/");
  return `latest under s3://${source.bucket}/${scope === "" ? "" : `${scope}/`}`;
}

/** What `--latest` passed over on its way to the backup it chose (newest first). */
export interface LatestPassedOver {
  /** Newer backups that are broken: each fails the verification. */
  skipped: Array<{ key: string; reason: string }>;
  /** Newer dumps without a sidecar: uploads still running or never committed; ignored. */
  uncommitted: string[];
}

export interface ResolveContext {
  client: S3Client | undefined;
  signal?: AbortSignal;
  /** Told what `--latest` passed over, before a broken newest backup fails the resolution. */
  onLatest?: (passedOver: LatestPassedOver) => void;
}

/**
 * Pin the source to one dump and read its claims. A stored dump is a backup only when its
 * sidecar exists and validates (docs/architecture.md §2); anything else is an integrity failure.
 */
export async function resolveSource(
  source: VerifySource,
  ctx: ResolveContext,
): Promise<ResolvedSource> {
  if (source.kind === "file") return resolveLocalFile(source.path);
  const client = ctx.client;
  if (client === undefined)
    throw new NbsError("S3_CLIENT_MISSING", "an S3 client is needed to verify a stored backup");
  if (source.kind === "s3") {
    const backup = await headBackup(client, source.bucket, source.key, ctx.signal);
    if (!backup) {
      throw new NbsError(
        "NOT_COMMITTED",
        `s3://${source.bucket}/${source.key} is not a committed backup: no ${sidecarKey(source.key).split("/").pop()} next to it`,
        {
          hint: "an upload that never committed, or a wrong key; list committed backups or use --latest",
        },
      );
    }
    return stored(client, source.bucket, source.key, backup.meta, backup.object);
  }
  const found = await latestBackup({
    client,
    bucket: source.bucket,
    prefix: source.prefix,
    ...(source.db ? { db: source.db } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  ctx.onLatest?.({ skipped: found.broken, uncommitted: found.uncommitted });
  const scope = describeSource(source);
  if (found.broken.length > 0) {
    const older = found.backup ? `s3://${found.backup.bucket}/${found.backup.key}` : undefined;
    throw new NbsError(
      "NEWEST_BACKUP_BROKEN",
      `${scope}: the newest backup is broken, and an older one is not verified in its place: ${found.broken.map((b) => b.reason).join("; ")}`,
      {
        hint: older
          ? `re-run the backup, or remove what is broken; to verify the older ${older} anyway, pass it with --s3-uri`
          : "re-run the backup, or remove what is broken",
      },
    );
  }
  if (!found.backup) {
    const pending =
      found.uncommitted.length > 0
        ? ` (${found.uncommitted.length} dump(s) without a .meta.json, uploads still running or never committed: ${found.uncommitted.join(", ")})`
        : "";
    throw new NbsError("NO_COMMITTED_BACKUP", `no committed backup found: ${scope}${pending}`, {
      hint: "check --prefix and --db (BACKUP_S3_PREFIX); only dumps with a valid .meta.json count",
    });
  }
  const { backup } = found;
  return stored(client, backup.bucket, backup.key, backup.meta, backup.object);
}

function stored(
  client: S3Client,
  bucket: string,
  key: string,
  meta: BackupMeta,
  object: ObjectInfo,
): ResolvedSource {
  return {
    kind: "s3",
    location: `s3://${bucket}/${key}`,
    bucket,
    key,
    meta,
    object,
    size: object.size,
    open: async (signal) => (await getBackupStream(client, bucket, key, signal)).body,
  };
}

async function resolveLocalFile(path: string): Promise<ResolvedSource> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new NbsError(
      error.code === "ENOENT" ? "FILE_NOT_FOUND" : "FILE_UNREADABLE",
      `cannot read ${path}: ${error.code === "ENOENT" ? "no such file" : (error.code ?? String(error))}`,
      { hint: "pass an existing dump with --file" },
    );
  });
  if (!info.isFile())
    throw new NbsError("NOT_A_FILE", `${path} is not a regular file`, {
      hint: "pass a dump file with --file",
    });
  if (info.size === 0)
    throw new NbsError("FILE_EMPTY", `${path} is empty`, {
      hint: "an empty file is never a dump; take a new backup",
    });
  return {
    kind: "file",
    location: path,
    path,
    meta: await readLocalSidecar(path),
    object: undefined,
    size: info.size,
    open: () => Promise.resolve(createReadStream(path, { highWaterMark: 1024 * 1024 })),
  };
}

async function readLocalSidecar(path: string): Promise<BackupMeta | undefined> {
  const sidecar = `${path}.meta.json`;
  let text: string;
  try {
    text = await readFile(sidecar, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new NbsError(
      "SIDECAR_UNREADABLE",
      `cannot read ${sidecar}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const result = parseBackupMeta(text);
  if (!result.ok) throw new MetaValidationError(sidecar, result.errors);
  return result.value;
}
