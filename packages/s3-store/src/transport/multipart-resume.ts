import {
  AbortMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  type S3Client,
} from "@aws-sdk/client-s3";

export interface StoredPart {
  etag: string;
  size: number;
  /** As the store recorded it; a part without one is never reused. */
  checksumCrc32: string | undefined;
}

export interface ResumableUpload {
  uploadId: string;
  parts: Map<number, StoredPart>;
}

export interface ResumeContext {
  client: S3Client;
  bucket: string;
  key: string;
  /** An upload untouched this long is a crashed run's; a younger one may be a run still going. */
  idleMs: number;
  now: () => number;
  signal?: AbortSignal | undefined;
  onEvent?: (event: string, fields: Record<string, unknown>, level?: "debug" | "warn") => void;
}

/**
 * The multipart upload of this exact key that an interrupted run left open: the newest one idle
 * for `idleMs` is resumed (its parts are reused where their size and CRC32 match the file), idle
 * older ones are aborted, and younger ones — maybe another run of the same dump, still going — are
 * left alone. Resuming is an optimisation: a store or policy that refuses to list uploads means
 * starting afresh, never a failed backup.
 */
export async function findResumable(ctx: ResumeContext): Promise<ResumableUpload | undefined> {
  try {
    const uploads = await listUploads(ctx);
    const idle = uploads
      .filter((u) => ctx.now() - u.lastActivity >= ctx.idleMs)
      .sort((a, b) => b.lastActivity - a.lastActivity);
    const [newest, ...older] = idle;
    // Aborting is for the plainly abandoned: a run still going with large, slow parts (or a
    // clock a little off) may look idle for a while, and resuming beside it is harmless while
    // aborting it would kill it.
    const stale = older.filter((u) => ctx.now() - u.lastActivity >= STALE_AFTER_MS);
    for (const upload of stale) {
      ctx.onEvent?.("upload.resume.stale-aborted", { upload_id: upload.uploadId });
      await ctx.client
        .send(
          new AbortMultipartUploadCommand({
            Bucket: ctx.bucket,
            Key: ctx.key,
            UploadId: upload.uploadId,
          }),
        )
        .catch(() => undefined);
    }
    if (newest) {
      ctx.onEvent?.("upload.resume.found", {
        upload_id: newest.uploadId,
        parts_stored: newest.parts.size,
      });
    }
    return newest && { uploadId: newest.uploadId, parts: newest.parts };
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    ctx.onEvent?.(
      "upload.resume.unavailable",
      {
        message: `cannot list in-progress uploads of the key (${(error as Error).name}); starting a new upload`,
      },
      "warn",
    );
    return undefined;
  }
}

/** An upload untouched this long is abandoned whoever started it: older ones are aborted. */
const STALE_AFTER_MS = 15 * 60 * 1000;

interface OpenUpload {
  uploadId: string;
  lastActivity: number;
  parts: Map<number, StoredPart>;
}

async function listUploads(ctx: ResumeContext): Promise<OpenUpload[]> {
  const options = ctx.signal ? { abortSignal: ctx.signal } : {};
  // MinIO lists in-progress uploads only for an exact key; the key is the prefix here.
  const listed = await ctx.client.send(
    new ListMultipartUploadsCommand({ Bucket: ctx.bucket, Prefix: ctx.key }),
    options,
  );
  const open: OpenUpload[] = [];
  for (const upload of listed.Uploads ?? []) {
    if (upload.Key !== ctx.key || !upload.UploadId) continue;
    const parts = new Map<number, StoredPart>();
    let lastActivity = upload.Initiated?.getTime() ?? 0;
    let marker: string | undefined;
    let foreign = false;
    do {
      const page = await ctx.client.send(
        new ListPartsCommand({
          Bucket: ctx.bucket,
          Key: ctx.key,
          UploadId: upload.UploadId,
          ...(marker === undefined ? {} : { PartNumberMarker: marker }),
        }),
        options,
      );
      // Started with another checksum setting (nbs's partChecksum none, another tool): its
      // parts cannot be proven like ours, so it is not resumed.
      if (page.ChecksumAlgorithm !== undefined && page.ChecksumAlgorithm !== "CRC32") {
        foreign = true;
        break;
      }
      for (const part of page.Parts ?? []) {
        if (part.PartNumber === undefined) continue;
        parts.set(part.PartNumber, {
          etag: part.ETag ?? "",
          size: part.Size ?? -1,
          checksumCrc32: part.ChecksumCRC32,
        });
        lastActivity = Math.max(lastActivity, part.LastModified?.getTime() ?? 0);
      }
      marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
    } while (marker !== undefined);
    if (!foreign) open.push({ uploadId: upload.UploadId, lastActivity, parts });
  }
  return open;
}
