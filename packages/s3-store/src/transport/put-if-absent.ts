import { PutObjectCommand, type PutObjectCommandInput, type S3Client } from "@aws-sdk/client-s3";
import { sseParams, type SseOptions } from "./sse.js";

/**
 * A small JSON object (a sidecar, a verification record, a set manifest) written only where no
 * object is yet (If-None-Match: *); `extra` adds what one kind needs (a sidecar's object lock).
 * A taken key rejects with the store's 412, for the caller to recover from.
 */
export async function putJsonIfAbsent(
  client: S3Client,
  input: {
    bucket: string;
    key: string;
    body: Buffer;
    sse: SseOptions;
    signal?: AbortSignal | undefined;
    extra?: Partial<PutObjectCommandInput>;
  },
): Promise<void> {
  await client.send(
    new PutObjectCommand({
      Bucket: input.bucket,
      Key: input.key,
      Body: input.body,
      ContentLength: input.body.byteLength,
      ContentType: "application/json",
      IfNoneMatch: "*",
      ...sseParams(input.sse),
      ...input.extra,
    }),
    input.signal ? { abortSignal: input.signal } : {},
  );
}
