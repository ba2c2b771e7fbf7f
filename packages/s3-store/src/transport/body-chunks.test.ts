import { UploadPartCommand } from "@aws-sdk/client-s3";
import type { HttpRequest } from "@smithy/types";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { BODY_CHUNK_BYTES } from "./body-chunks.js";
import { createS3Client } from "./client.js";

async function drain(body: unknown): Promise<{ bytes: Buffer; chunks: number }> {
  if (!(body instanceof Readable)) return { bytes: Buffer.from(body as Uint8Array), chunks: 1 };
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(chunk as Buffer);
  return { bytes: Buffer.concat(parts), chunks: parts.length };
}

describe("part bodies on the wire", () => {
  it("go out in slices, and a retried attempt sends every byte again", async () => {
    const part = randomBytes(2 * BODY_CHUNK_BYTES + 123);
    const attempts: { bytes: Buffer; chunks: number }[] = [];
    const client = createS3Client({
      endpoint: "https://127.0.0.1:9000",
      region: "us-east-1",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-real-secret" },
      maxAttempts: 2,
    });
    const handler = {
      handle: async (request: HttpRequest) => {
        attempts.push(await drain(request.body));
        const statusCode = attempts.length === 1 ? 503 : 200;
        return {
          response: { statusCode, headers: { etag: '"e1"' }, body: Readable.from([]) },
        };
      },
      updateHttpClientConfig: () => {},
      httpHandlerConfigs: () => ({}),
    };
    client.config.requestHandler = handler;
    const out = await client.send(
      new UploadPartCommand({
        Bucket: "b",
        Key: "k",
        UploadId: "u",
        PartNumber: 1,
        Body: part,
        ChecksumCRC32: "AAAAAA==",
      }),
    );
    client.destroy();
    expect(out.ETag).toBe('"e1"');
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt.chunks).toBe(3);
      expect(attempt.bytes.equals(part)).toBe(true);
    }
  });
});
