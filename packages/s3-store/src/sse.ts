import { NbsError, type SseMode } from "@nbs/metadata";

/** Server-side encryption requested on every write (object and sidecar). */
export type SseOptions = { mode: "AES256" } | { mode: "aws:kms"; kmsKeyId?: string };

export function sseParams(sse: SseOptions): {
  ServerSideEncryption: SseMode;
  SSEKMSKeyId?: string;
} {
  if (sse.mode === "AES256") return { ServerSideEncryption: "AES256" };
  return sse.kmsKeyId === undefined
    ? { ServerSideEncryption: "aws:kms" }
    : { ServerSideEncryption: "aws:kms", SSEKMSKeyId: sse.kmsKeyId };
}

/** Does what HEAD reports satisfy what we asked for? Returns a description of the mismatch. */
export function sseMismatch(
  sse: SseOptions,
  reported: { ServerSideEncryption?: string | undefined; SSEKMSKeyId?: string | undefined },
): string | undefined {
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

export function assertSseOptions(sse: SseOptions): void {
  if (sse.mode !== "AES256" && sse.mode !== "aws:kms") {
    throw new NbsError(
      "USAGE",
      `unknown SSE mode ${JSON.stringify((sse as { mode: unknown }).mode)}`,
      {
        hint: "use AES256 (SSE-S3) or aws:kms (SSE-KMS)",
      },
    );
  }
}
