import type { S3Client } from "@aws-sdk/client-s3";
import { PutObjectCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import type { HttpRequest } from "@smithy/types";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BODY_CHUNK_BYTES } from "./body-chunks.js";
import { createS3Client } from "./client.js";
import { SIGN_PAYLOAD, signsPayload, type PayloadSigning } from "./payload-signing.js";

describe("signsPayload", () => {
  it.each([
    ["auto", "http:", true, true],
    ["auto", "https:", true, false],
    ["always", "https:", true, true],
    ["never", "http:", true, false],
    ["never", "https:", false, true], // no CRC32 on the request: always signed
    ["auto", "https:", false, true],
  ] as const)("%s over %s with CRC32=%s → signed %s", (mode, protocol, crc, signed) => {
    expect(signsPayload(mode, protocol, crc)).toBe(signed);
  });
});

/** The x-amz-content-sha256 a real client would put on the wire (the handler captures, sends nothing). */
async function contentSha256(
  endpoint: string,
  payloadSigning: PayloadSigning | undefined,
  send: (client: S3Client) => Promise<unknown>,
): Promise<string | undefined> {
  let seen: HttpRequest | undefined;
  const client: S3Client = createS3Client({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-real-secret" },
    maxAttempts: 1,
    ...(payloadSigning ? { payloadSigning } : {}),
  });
  const capture = {
    handle: (request: HttpRequest) => {
      seen = request;
      return Promise.reject(new Error("captured"));
    },
    updateHttpClientConfig: () => {},
    httpHandlerConfigs: () => ({}),
  };
  client.config.requestHandler = capture;
  await send(client).catch(() => undefined);
  client.destroy();
  return seen?.headers["x-amz-content-sha256"];
}

// Larger than a body slice: signing must see the whole Buffer, before it is streamed in slices.
const BODY = Buffer.alloc(2 * BODY_CHUNK_BYTES + 1, 7);
const BODY_SHA256 = createHash("sha256").update(BODY).digest("hex");

const part =
  (crc?: string, forced = false) =>
  (client: S3Client) =>
    client.send(
      new UploadPartCommand({
        Bucket: "b",
        Key: "k",
        UploadId: "u",
        PartNumber: 1,
        Body: BODY,
        ...(crc ? { ChecksumCRC32: crc } : {}),
        ...(forced ? { [SIGN_PAYLOAD]: true } : {}),
      }),
    );

describe("payload signing on the wire", () => {
  const sha256Hex = BODY_SHA256;
  it("signs parts over http and sends them unsigned over https by default", async () => {
    expect(await contentSha256("http://127.0.0.1:9000", undefined, part("AAAAAA=="))).toBe(
      sha256Hex,
    );
    expect(await contentSha256("https://127.0.0.1:9000", undefined, part("AAAAAA=="))).toBe(
      "UNSIGNED-PAYLOAD",
    );
  });
  it("sends a part carrying its SHA-256 checksum (the default) unsigned over https too", async () => {
    const withSha = (client: S3Client) =>
      client.send(
        new UploadPartCommand({
          Bucket: "b",
          Key: "k",
          UploadId: "u",
          PartNumber: 1,
          Body: BODY,
          ChecksumSHA256: createHash("sha256").update(BODY).digest("base64"),
        }),
      );
    expect(await contentSha256("https://127.0.0.1:9000", undefined, withSha)).toBe(
      "UNSIGNED-PAYLOAD",
    );
    expect(await contentSha256("http://127.0.0.1:9000", undefined, withSha)).toBe(sha256Hex);
  });
  it("honours always and never", async () => {
    expect(await contentSha256("https://127.0.0.1:9000", "always", part("AAAAAA=="))).toBe(
      sha256Hex,
    );
    expect(await contentSha256("http://127.0.0.1:9000", "never", part("AAAAAA=="))).toBe(
      "UNSIGNED-PAYLOAD",
    );
  });
  it("signs a part marked to be signed, with its CRC32, in every mode (the unconfirmed-checksum fall-back)", async () => {
    expect(await contentSha256("https://127.0.0.1:9000", "never", part("AAAAAA==", true))).toBe(
      sha256Hex,
    );
    expect(await contentSha256("https://127.0.0.1:9000", "auto", part("AAAAAA==", true))).toBe(
      sha256Hex,
    );
  });
  it("keeps signing a part without a CRC32, and every other request", async () => {
    expect(await contentSha256("https://127.0.0.1:9000", "never", part())).toBe(sha256Hex);
    const put = (client: S3Client) =>
      client.send(new PutObjectCommand({ Bucket: "b", Key: "k", Body: BODY }));
    expect(await contentSha256("https://127.0.0.1:9000", "never", put)).toBe(sha256Hex);
  });
});
