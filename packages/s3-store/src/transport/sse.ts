import { type SseMode } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";

/**
 * Server-side encryption of every write (object and sidecar). `bucket` requests nothing and
 * requires the bucket's default encryption to apply (what the sidecar records is what the store
 * reports); `none` requests nothing, for S3-compatible stores that do not implement SSE.
 */
export type SseOptions =
  | { mode: "AES256" }
  | { mode: "aws:kms"; kmsKeyId?: string }
  | { mode: "bucket" }
  | { mode: "none" };

/** What a caller may ask for: a mode a sidecar records, or the bucket's default encryption. */
export type SseRequest = SseOptions["mode"];

export function sseParams(sse: SseOptions): {
  ServerSideEncryption?: Exclude<SseMode, "none">;
  SSEKMSKeyId?: string;
} {
  if (sse.mode === "none" || sse.mode === "bucket") return {};
  if (sse.mode === "AES256") return { ServerSideEncryption: "AES256" };
  return sse.kmsKeyId === undefined
    ? { ServerSideEncryption: "aws:kms" }
    : { ServerSideEncryption: "aws:kms", SSEKMSKeyId: sse.kmsKeyId };
}

interface SseReport {
  ServerSideEncryption?: string | undefined;
  SSEKMSKeyId?: string | undefined;
}

/** Does what the store reports satisfy what we asked for? Returns a description of the mismatch. */
export function sseMismatch(sse: SseOptions, reported: SseReport): string | undefined {
  // Nothing was asked for: whatever the store applies by default is fine (and recorded).
  if (sse.mode === "none") return undefined;
  if (sse.mode === "bucket") {
    return reported.ServerSideEncryption
      ? undefined
      : "server-side encryption is absent, expected the bucket's default encryption";
  }
  if (reported.ServerSideEncryption !== sse.mode) {
    return `server-side encryption is ${reported.ServerSideEncryption ?? "absent"}, expected ${sse.mode}`;
  }
  if (sse.mode === "aws:kms" && sse.kmsKeyId !== undefined) {
    const got = reported.SSEKMSKeyId ?? "";
    // AWS reports the full key ARN, MinIO "arn:aws:kms:<key>"; the configured id may be either form.
    if (
      got !== sse.kmsKeyId &&
      !got.endsWith(`:${sse.kmsKeyId}`) &&
      !got.endsWith(`/${sse.kmsKeyId}`)
    ) {
      return `KMS key is ${got || "absent"}, expected ${sse.kmsKeyId}`;
    }
  }
  return undefined;
}

/**
 * The first write that carries data (PutObject, CreateMultipartUpload) must echo the encryption
 * it applied. A store that accepts the header but ignores it answers without it: stop there,
 * before gigabytes go out, and say how to proceed.
 */
export function unhonouredSse(
  sse: SseOptions,
  response: SseReport,
  where: string,
): NbsError | undefined {
  const mismatch = sseMismatch(sse, response);
  if (mismatch === undefined) return undefined;
  return new NbsError(
    "SSE_NOT_HONOURED",
    `the store did not apply the requested server-side encryption to ${where}: ${mismatch}; nothing was committed`,
    {
      hint:
        sse.mode === "bucket"
          ? "give the bucket a default encryption (config/aws/terraform does; aws s3api put-bucket-encryption; mc encrypt set), or name one with --kms-key or --sse AES256; --sse none if this store cannot encrypt"
          : "enable SSE on the store (MinIO: configure a KMS), or, if this store cannot encrypt, re-run with --sse none (BACKUP_SSE=none)",
    },
  );
}

export function assertSseOptions(sse: SseOptions): void {
  if (!["AES256", "aws:kms", "bucket", "none"].includes(sse.mode)) {
    throw new NbsError(
      "SSE_MODE_INVALID",
      `unknown SSE mode ${JSON.stringify((sse as { mode: unknown }).mode)}`,
      {
        hint: "use AES256 (SSE-S3), aws:kms (SSE-KMS), bucket (the bucket's default encryption) or none",
      },
    );
  }
}
