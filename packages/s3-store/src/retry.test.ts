import { S3ServiceException } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { classifyError, createRetryStrategy, toStorageError } from "./index.js";

function serviceError(name: string, status: number): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status, attempts: 5 },
    message: name,
  });
}

describe("retry classification", () => {
  it.each([
    ["SlowDown", 503, "throttling"],
    ["ThrottlingException", 400, "throttling"],
    ["InternalError", 500, "transient"],
    ["ServiceUnavailable", 503, "transient"],
    ["NotImplemented", 501, "server"],
  ])("retries %s (%d) as %s", (name, status, expected) => {
    expect(classifyError(serviceError(name, status))).toBe(expected);
  });

  it("retries connection resets and timeouts", () => {
    expect(classifyError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).toBe(
      "transient",
    );
    expect(classifyError(Object.assign(new Error("t"), { name: "TimeoutError" }))).toBe(
      "transient",
    );
  });

  it.each([
    ["AccessDenied", 403],
    ["NoSuchBucket", 404],
    ["InvalidAccessKeyId", 403],
    ["KMS.NotFoundException", 400],
  ])("fails at once on %s (%d)", (name, status) => {
    expect(classifyError(serviceError(name, status))).toBe("permanent");
  });

  it("rejects a nonsensical attempt count", () => {
    expect(() => createRetryStrategy(0)).toThrow(expect.objectContaining({ code: "USAGE" }));
    expect(createRetryStrategy(3)).toBeDefined();
  });
});

describe("toStorageError", () => {
  it("names the missing bucket and how to fix it", () => {
    const e = toStorageError(serviceError("NoSuchBucket", 404), {
      bucket: "nbs-prod",
      key: "k",
      op: "upload",
    });
    expect(e.code).toBe("STORAGE");
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
