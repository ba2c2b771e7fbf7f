import { S3ServiceException } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { toStorageError } from "./errors.js";

const internalError = () =>
  new S3ServiceException({
    name: "InternalError",
    $fault: "server",
    $metadata: { httpStatusCode: 500, attempts: 5 },
    message: "We encountered an internal error, please try again.",
  });

describe("toStorageError and server-side encryption", () => {
  it("says the store may lack SSE configuration when a request that asked for SSE gets a 500", () => {
    const e = toStorageError(internalError(), {
      bucket: "b",
      key: "k",
      op: "upload",
      sseRequested: true,
    });
    expect(e.code).toBe("STORE_ERROR");
    expect(e.hint).toContain("may lack SSE configuration");
    expect(e.hint).toContain("--sse none");
  });

  it("keeps the plain hint for a 500 on a request without SSE", () => {
    const e = toStorageError(internalError(), { bucket: "b", key: "k", op: "upload" });
    expect(e.hint).not.toContain("SSE");
  });
});

describe("toStorageError and timeouts", () => {
  it("says a timed-out request timed out, after how many attempts, and names the flags that bound it", () => {
    const timeout = Object.assign(
      new Error(
        "@smithy/node-http-handler - the request socket timed out after 15000 ms of inactivity (configured by client requestHandler).",
      ),
      { name: "TimeoutError", $metadata: { attempts: 5 } },
    );
    const e = toStorageError(timeout, { bucket: "b", key: "k", op: "upload" });
    expect(e.code).toBe("TIMEOUT");
    expect(e.message).toBe(
      "upload s3://b/k timed out, the store did not answer or stopped sending: the request socket timed out after 15000 ms of inactivity, 5 attempts",
    );
    expect(e.hint).toContain("--request-timeout");
    expect(e.hint).toContain("--connect-timeout");
  });

  it("calls a request cut off by the caller's abort an interruption, not a storage failure", () => {
    const aborted = new AbortController();
    aborted.abort();
    const e = toStorageError(Object.assign(new Error("aborted"), { name: "AbortError" }), {
      bucket: "b",
      key: "k.meta.json",
      op: "write sidecar",
      signal: aborted.signal,
    });
    expect(e.code).toBe("INTERRUPTED");
  });
});

describe("toStorageError codes", () => {
  const s3Error = (name: string, status: number | undefined) =>
    new S3ServiceException({
      name,
      $fault: "client",
      $metadata: status === undefined ? {} : { httpStatusCode: status },
    });
  it.each([
    ["NoSuchBucket", 404, "BUCKET_NOT_FOUND"],
    ["NoSuchKey", 404, "NO_SUCH_KEY"],
    ["AccessDenied", 403, "ACCESS_DENIED"],
    ["Unknown", 403, "ACCESS_DENIED"], // a HEAD's 403 has no body to name it (MinIO)
    ["InvalidAccessKeyId", 403, "CREDENTIALS_REJECTED"],
    ["SignatureDoesNotMatch", 403, "CREDENTIALS_REJECTED"],
    ["ExpiredToken", 400, "CREDENTIALS_EXPIRED"],
    ["ExpiredTokenException", 400, "CREDENTIALS_EXPIRED"],
    ["CredentialsProviderError", undefined, "CREDENTIALS_MISSING"],
    ["KMS.NotFoundException", 400, "KMS_KEY_UNUSABLE"],
    ["BadDigest", 400, "CORRUPTED_IN_TRANSIT"],
    ["XAmzContentSHA256Mismatch", 400, "CORRUPTED_IN_TRANSIT"],
    ["TimeoutError", undefined, "TIMEOUT"],
    ["SlowDown", 503, "STORE_ERROR"],
  ] as const)("%s (HTTP %s) is %s, a STORAGE error", (name, status, code) => {
    const e = toStorageError(s3Error(name, status), { bucket: "b", key: "k", op: "upload" });
    expect(e).toMatchObject({ code, category: "STORAGE" });
  });

  it("says an expired session token expired, and that the session must outlast the run", () => {
    const e = toStorageError(s3Error("ExpiredToken", 400), { bucket: "b", key: "k", op: "upload" });
    expect(e.message).toBe("the session token expired during upload s3://b/k (HTTP 400)");
    expect(e.hint).toContain("role-duration-seconds");
    expect(e.hint).toContain("max_session_duration");
  });

  it("names expiry as a cause of an unknown access key id (MinIO's answer to expired STS credentials)", () => {
    const e = toStorageError(s3Error("InvalidAccessKeyId", 403), { bucket: "b", op: "list" });
    expect(e.code).toBe("CREDENTIALS_REJECTED");
    expect(e.hint).toContain("temporary credentials that expired");
  });

  it("names TLS failures and a connection that never answered by their own codes", () => {
    const tls = Object.assign(new Error("self-signed certificate"), {
      code: "SELF_SIGNED_CERT_IN_CHAIN",
    });
    expect(toStorageError(tls, { bucket: "b", op: "list" }).code).toBe("TLS_FAILED");
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), {
      code: "ECONNREFUSED",
    });
    expect(toStorageError(refused, { bucket: "b", op: "list" }).code).toBe("NETWORK");
  });
});
