import { describe, expect, it } from "vitest";
import { applyKmsKey, sseOptions } from "./index.js";

describe("applyKmsKey (the KMS-vs-SSE rule of every command that writes)", () => {
  it("turns a KMS key into aws:kms over the default or an environment's SSE", () => {
    expect(applyKmsKey({ sse: "bucket", kmsKey: "k" }, { sse: "default" }).sse).toBe("aws:kms");
    expect(applyKmsKey({ sse: "AES256", kmsKey: "k" }, { sse: "env" }).sse).toBe("aws:kms");
    expect(applyKmsKey({ sse: "AES256" }, { sse: "flag" }).sse).toBe("AES256");
  });

  it("refuses a KMS key with --sse none, or with AES256 or bucket asked for by flag or file", () => {
    for (const [sse, origin] of [
      ["none", "env"],
      ["AES256", "flag"],
      ["bucket", "file"],
    ] as const) {
      expect(() => applyKmsKey({ sse, kmsKey: "k" }, { sse: origin })).toThrow(
        expect.objectContaining({
          code: "FLAGS_CONFLICT",
          message: `--kms-key conflicts with --sse ${sse}`,
        }),
      );
    }
  });
});

describe("sseOptions (what dump --to-s3 asks the store for)", () => {
  it("names the KMS key only with aws:kms", () => {
    expect(sseOptions({ sse: "aws:kms", kmsKey: "k" })).toEqual({ mode: "aws:kms", kmsKeyId: "k" });
    expect(sseOptions({ sse: "aws:kms" })).toEqual({ mode: "aws:kms" });
    expect(sseOptions({ sse: "AES256", kmsKey: "k" })).toEqual({ mode: "AES256" });
    expect(sseOptions({ sse: "bucket" })).toEqual({ mode: "bucket" });
  });
});
