import { GetObjectCommand, S3ServiceException } from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createS3Client } from "./client.js";
import { toStorageError } from "./errors.js";
import { createRetryStrategy, DEFAULT_MAX_ATTEMPTS } from "./retry.js";

const closers: Array<() => void> = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

/** A local S3 stand-in answering request n (from 1) with `reply(n)`: an S3 error code or 200. */
async function storeAnswering(reply: (n: number) => [number, string?]) {
  let requests = 0;
  const server = createServer((request, response) => {
    request.resume();
    const [status, code] = reply(++requests);
    const body = code ? `<Error><Code>${code}</Code><Message>${code}</Message></Error>` : "ok";
    response.writeHead(status, { "content-type": code ? "application/xml" : "text/plain" });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const client = (maxAttempts?: number) => {
    const s3 = createS3Client({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: "us-east-1",
      credentials: {
        accessKeyId: randomBytes(10).toString("hex"),
        secretAccessKey: randomBytes(20).toString("hex"),
      },
      ...(maxAttempts === undefined ? {} : { maxAttempts }),
    });
    closers.push(() => s3.destroy());
    return s3;
  };
  closers.push(() => server.close());
  return { client, requests: () => requests };
}

const get = new GetObjectCommand({ Bucket: "bucket", Key: "key" });

describe("the retry strategy of createS3Client", () => {
  it("retries 503 SlowDown and succeeds on the third attempt", async () => {
    const store = await storeAnswering((n) => (n <= 2 ? [503, "SlowDown"] : [200]));
    const out = await store.client().send(get);
    expect(await out.Body!.transformToString()).toBe("ok");
    expect(store.requests()).toBe(3);
    expect(out.$metadata.attempts).toBe(3);
  });

  it("retries 500 InternalError", async () => {
    const store = await storeAnswering((n) => (n === 1 ? [500, "InternalError"] : [200]));
    await store.client().send(get);
    expect(store.requests()).toBe(2);
  });

  it("fails a 403 AccessDenied after exactly one request", async () => {
    const store = await storeAnswering(() => [403, "AccessDenied"]);
    await expect(store.client().send(get)).rejects.toMatchObject({ name: "AccessDenied" });
    expect(store.requests()).toBe(1);
  });

  it(`gives up on a persistent 503 after ${DEFAULT_MAX_ATTEMPTS} attempts by default`, async () => {
    const store = await storeAnswering(() => [503, "ServiceUnavailable"]);
    await expect(store.client().send(get)).rejects.toBeInstanceOf(S3ServiceException);
    expect(store.requests()).toBe(DEFAULT_MAX_ATTEMPTS);
  });

  it("honours maxAttempts", async () => {
    const store = await storeAnswering((n) => (n <= 2 ? [500, "InternalError"] : [200]));
    await expect(store.client(2).send(get)).rejects.toMatchObject({ name: "InternalError" });
    expect(store.requests()).toBe(2);
  });

  it("rejects a nonsensical attempt count", () => {
    expect(() => createRetryStrategy(0)).toThrow(
      expect.objectContaining({ code: "MAX_ATTEMPTS_INVALID" }),
    );
  });
});

function serviceError(name: string, status: number): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status, attempts: 5 },
    message: name,
  });
}

describe("toStorageError", () => {
  it("names the missing bucket and how to fix it", () => {
    const e = toStorageError(serviceError("NoSuchBucket", 404), {
      bucket: "nbs-prod",
      key: "k",
      op: "upload",
    });
    expect(e.code).toBe("BUCKET_NOT_FOUND");
    expect(e.message).toContain("bucket nbs-prod does not exist");
    expect(e.hint).toContain("--bucket");
  });

  it("explains bad credentials without repeating them", () => {
    const e = toStorageError(serviceError("SignatureDoesNotMatch", 403), {
      bucket: "b",
      op: "upload",
    });
    expect(e.message).toContain("secret key does not match");
    expect(e.message).toContain("HTTP 403");
  });

  it("keeps the first line of unknown errors and says a network failure was retried", () => {
    const e = toStorageError(
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1\nstack"), { code: "ECONNREFUSED" }),
      { bucket: "b", op: "HEAD" },
    );
    expect(e.message).toBe("HEAD bucket b failed: Error: connect ECONNREFUSED 127.0.0.1:1");
    expect(e.hint).toContain("retried");
  });
});
