import { ListPartsCommand, UploadPartCommand, type S3Client } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { listUploadsAtServerTime } from "./server-date.js";
import { sseMismatch, type SseOptions } from "./sse.js";

export interface StoredPart {
  etag: string;
  size: number;
  /** The SHA-256 the store computed when it received the part; a part without one is never reused. */
  checksumSha256: string | undefined;
}

export interface ResumableUpload {
  uploadId: string;
  parts: Map<number, StoredPart>;
}

export interface ResumeContext {
  client: S3Client;
  bucket: string;
  key: string;
  /** This run's encryption: an upload made with other settings is not resumed. */
  sse: SseOptions;
  /**
   * An upload without a new part this long, by the store's clock, is a crashed run's; a younger
   * one may be a run still going.
   */
  idleMs: number;
  signal?: AbortSignal | undefined;
  onEvent?: (event: string, fields: Record<string, unknown>, level?: "debug" | "warn") => void;
}

/**
 * The multipart upload of this exact key that an interrupted run left open: the newest one idle
 * for `idleMs` by the store's clock (the Date of its answer, so a wrong local clock cannot make a
 * live upload look idle), made with SHA-256 part checksums and this run's encryption, is
 * resumed. Nothing is ever aborted here: an upload this run did not create may be another run's
 * (a lifecycle rule, AbortIncompleteMultipartUpload, collects the abandoned). Resuming is an
 * optimisation: a store or policy that refuses to list uploads means starting afresh, never a
 * failed backup.
 */
export async function findResumable(ctx: ResumeContext): Promise<ResumableUpload | undefined> {
  try {
    const { uploads, serverNow } = await listUploads(ctx);
    if (serverNow === undefined) return unavailable(ctx, "the store's answer carried no Date");
    const [newest] = uploads
      // The Date header counts whole seconds, and some stores round part times to the second:
      // idleness is judged to the second.
      .filter((u) => serverNow + 1000 - u.lastActivity >= ctx.idleMs)
      .sort((a, b) => b.lastActivity - a.lastActivity);
    if (!newest) return undefined;
    const { uploadId, parts } = newest;
    const sse = await encryptionDiffers(ctx, uploadId);
    if (sse !== undefined) {
      ctx.onEvent?.("upload.resume.sse-differs", { upload_id: uploadId, message: sse }, "warn");
      return undefined;
    }
    ctx.onEvent?.("upload.resume.found", { upload_id: uploadId, parts_stored: parts.size });
    return { uploadId, parts };
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    return unavailable(ctx, (error as Error).name);
  }
}

function unavailable(ctx: ResumeContext, why: string): undefined {
  ctx.onEvent?.(
    "upload.resume.unavailable",
    { message: `cannot resume an in-progress upload of the key (${why}); starting a new upload` },
    "warn",
  );
  return undefined;
}

interface OpenUpload {
  uploadId: string;
  lastActivity: number;
  parts: Map<number, StoredPart>;
}

const options = (ctx: ResumeContext) => (ctx.signal ? { abortSignal: ctx.signal } : {});

/** The open uploads of the key made with SHA-256 part checksums, and the store's time. */
async function listUploads(
  ctx: ResumeContext,
): Promise<{ uploads: OpenUpload[]; serverNow: number | undefined }> {
  // MinIO lists in-progress uploads only for an exact key; the key is the prefix here.
  const { output: listed, serverNow } = await listUploadsAtServerTime(
    ctx.client,
    { Bucket: ctx.bucket, Prefix: ctx.key },
    options(ctx),
  );
  const uploads: OpenUpload[] = [];
  for (const upload of listed.Uploads ?? []) {
    if (upload.Key !== ctx.key || !upload.UploadId) continue;
    const found = await listParts(ctx, upload.UploadId);
    // Started with another checksum (an older nbs, --part-checksum CRC32 or none, another
    // tool): its parts cannot be proven by SHA-256, so it is not resumed. MinIO names the
    // algorithm only in ListParts, AWS and versitygw in both.
    if ((upload.ChecksumAlgorithm ?? found.algorithm) !== "SHA256") continue;
    let lastActivity = upload.Initiated?.getTime() ?? 0;
    for (const at of found.modified) lastActivity = Math.max(lastActivity, at);
    uploads.push({ uploadId: upload.UploadId, lastActivity, parts: found.parts });
  }
  return { uploads, serverNow };
}

async function listParts(ctx: ResumeContext, uploadId: string) {
  const parts = new Map<number, StoredPart>();
  const modified: number[] = [];
  let algorithm: string | undefined;
  let marker: string | undefined;
  do {
    const page = await ctx.client.send(
      new ListPartsCommand({
        Bucket: ctx.bucket,
        Key: ctx.key,
        UploadId: uploadId,
        ...(marker === undefined ? {} : { PartNumberMarker: marker }),
      }),
      options(ctx),
    );
    algorithm ??= page.ChecksumAlgorithm;
    for (const part of page.Parts ?? []) {
      if (part.PartNumber === undefined) continue;
      parts.set(part.PartNumber, {
        etag: part.ETag ?? "",
        size: part.Size ?? -1,
        checksumSha256: part.ChecksumSHA256,
      });
      modified.push(part.LastModified?.getTime() ?? 0);
    }
    marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
  } while (marker !== undefined);
  return { parts, modified, algorithm };
}

/** The highest part number; never one of this run's real parts unless it has 10,000. */
const PROBE_PART = 10_000;

/**
 * Neither listing says how an upload is encrypted; a part's answer does. An empty part at the
 * last part number asks (it is never completed: Complete names only the real parts, and a real
 * part 10,000 replaces it). Undefined when the upload's encryption is this run's.
 */
async function encryptionDiffers(
  ctx: ResumeContext,
  uploadId: string,
): Promise<string | undefined> {
  if (ctx.sse.mode === "none") return undefined;
  const empty = createHash("sha256").digest("base64");
  const out = await ctx.client.send(
    new UploadPartCommand({
      Bucket: ctx.bucket,
      Key: ctx.key,
      UploadId: uploadId,
      PartNumber: PROBE_PART,
      Body: new Uint8Array(0),
      ContentLength: 0,
      ChecksumSHA256: empty,
    }),
    options(ctx),
  );
  return sseMismatch(ctx.sse, out);
}
