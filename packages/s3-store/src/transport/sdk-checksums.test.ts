import { GetObjectCommand, PutObjectCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createS3Client } from "./client.js";

// The SDK's own checksums (a CRC32 of every request body, a CRC32 check of every response body,
// on by default since client-s3 3.729) would be a second pass over every byte on top of nbs's
// sha256 (issue 26's profile): createS3Client turns them off unless asked (WHEN_REQUIRED).

const closers: Array<() => void> = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

/** A local S3 stand-in: records each request's headers; GETs answer `body` with a wrong CRC32. */
async function recordingStore(body: Buffer) {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    seen.push(request.headers);
    request.resume();
    request.on("end", () => {
      if (request.method === "GET") {
        response.writeHead(200, {
          "content-length": body.byteLength,
          etag: '"e"',
          // A CRC32 that is not the body's: a client validating responses would fail the read.
          "x-amz-checksum-crc32": "AAAAAA==",
        });
        response.end(body);
        return;
      }
      response.writeHead(200, { etag: '"e"' });
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => server.close());
  const client = createS3Client({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: "us-east-1",
    credentials: {
      accessKeyId: randomBytes(10).toString("hex"),
      secretAccessKey: randomBytes(20).toString("hex"),
    },
  });
  closers.push(() => client.destroy());
  return { client, seen };
}

const sdkChecksumHeaders = (headers: IncomingHttpHeaders) =>
  Object.keys(headers).filter(
    (name) =>
      name === "x-amz-sdk-checksum-algorithm" ||
      name === "x-amz-trailer" ||
      name === "x-amz-checksum-mode" ||
      (name.startsWith("x-amz-checksum-") && name !== "x-amz-checksum-sha256"),
  );

describe("createS3Client and the SDK's default checksums", () => {
  it("sends a part with nbs's SHA-256 only: no CRC32 of the SDK's, no aws-chunked trailer", async () => {
    const store = await recordingStore(Buffer.alloc(0));
    const part = randomBytes(64 * 1024);
    const sha256 = createHash("sha256").update(part).digest("base64");
    await store.client.send(
      new UploadPartCommand({
        Bucket: "b",
        Key: "k",
        UploadId: "u",
        PartNumber: 1,
        Body: part,
        ChecksumSHA256: sha256,
      }),
    );
    await store.client.send(new PutObjectCommand({ Bucket: "b", Key: "k2", Body: part }));
    expect(store.seen).toHaveLength(2);
    expect(store.seen[0]!["x-amz-checksum-sha256"]).toBe(sha256);
    expect(store.seen.map(sdkChecksumHeaders)).toEqual([[], []]);
    expect(store.seen.map((h) => h["content-encoding"] ?? "")).not.toContain("aws-chunked");
  });

  it("reads an object without asking for or checking a response checksum", async () => {
    const body = randomBytes(256 * 1024);
    const store = await recordingStore(body);
    const out = await store.client.send(new GetObjectCommand({ Bucket: "b", Key: "k" }));
    const read = Buffer.from(await out.Body!.transformToByteArray());
    expect(read.equals(body)).toBe(true);
    expect(sdkChecksumHeaders(store.seen[0]!)).toEqual([]);
  });
});
