import { describe, expect, it } from "vitest";
import { resolveUploadSettings } from "./settings.js";

describe("upload settings", () => {
  it("takes a flag over the environment over the config file over the default", () => {
    const env = { BACKUP_S3_BUCKET: "from-env", BACKUP_S3_PREFIX: "env-prefix" };
    const file = { bucket: "from-file", prefix: "file-prefix", concurrency: 8 };
    const { settings, origins } = resolveUploadSettings({ bucket: "from-flag" }, env, file);
    expect(settings.bucket).toBe("from-flag");
    expect(settings.prefix).toBe("env-prefix");
    expect(settings.concurrency).toBe(8);
    expect(settings.partSize).toBe(16 * 1024 * 1024);
    expect(origins).toMatchObject({
      bucket: "flag",
      prefix: "env",
      concurrency: "file",
      partSize: "default",
    });
  });

  it("defaults to 16 MiB parts, two in flight", () => {
    const { settings, origins } = resolveUploadSettings({}, {}, {});
    expect(settings).toMatchObject({ partSize: 16 * 1024 * 1024, concurrency: 2 });
    expect(origins).toMatchObject({ partSize: "default", concurrency: "default" });
  });

  it("reads the operators' runbook variables", () => {
    const { settings } = resolveUploadSettings(
      {},
      {
        BACKUP_S3_ENDPOINT: "http://127.0.0.1:9000",
        BACKUP_USE_SSE_KMS: "true",
        BACKUP_KMS_KEY_ARN: "arn:aws:kms:eu-west-1:111122223333:key/abcd",
      },
      {},
    );
    expect(settings).toMatchObject({
      endpoint: "http://127.0.0.1:9000",
      region: "us-east-1",
      sse: "aws:kms",
      kmsKey: "arn:aws:kms:eu-west-1:111122223333:key/abcd",
    });
  });

  it("signs parts by the endpoint's scheme unless told, and takes a CA bundle from AWS_CA_BUNDLE", () => {
    expect(resolveUploadSettings({}, {}, {}).settings).toMatchObject({ payloadSigning: "auto" });
    expect(
      resolveUploadSettings({}, { NBS_PAYLOAD_SIGNING: "always", AWS_CA_BUNDLE: "/etc/ca.pem" }, {})
        .settings,
    ).toMatchObject({ payloadSigning: "always", caBundle: "/etc/ca.pem" });
    expect(() => resolveUploadSettings({}, { NBS_PAYLOAD_SIGNING: "sometimes" }, {})).toThrow(
      expect.objectContaining({
        code: "SETTING_INVALID",
        category: "USAGE",
        message: expect.stringContaining("NBS_PAYLOAD_SIGNING"),
        hint: "choose one of: auto, always, never",
      }),
    );
  });

  it("lets a KMS key imply SSE-KMS, and refuses an explicit --sse AES256 with it", () => {
    expect(resolveUploadSettings({ kmsKey: "k" }, {}, {}).settings.sse).toBe("aws:kms");
    expect(() => resolveUploadSettings({ kmsKey: "k", sse: "AES256" }, {}, {})).toThrow(
      expect.objectContaining({
        code: "FLAGS_CONFLICT",
        message: "--kms-key conflicts with --sse AES256",
      }),
    );
  });

  it("uses the bucket's default encryption unless told otherwise (the shipped upload policy denies AES256)", () => {
    expect(resolveUploadSettings({}, {}, {}).settings.sse).toBe("bucket");
    expect(resolveUploadSettings({ sse: "AES256" }, {}, {}).settings.sse).toBe("AES256");
    expect(() => resolveUploadSettings({ kmsKey: "k", sse: "bucket" }, {}, {})).toThrow(
      expect.objectContaining({ code: "FLAGS_CONFLICT" }),
    );
  });

  it("turns SSE off only when asked: --sse none or BACKUP_SSE=none; BACKUP_USE_SSE_KMS=false means AES256", () => {
    expect(resolveUploadSettings({ sse: "none" }, {}, {}).settings.sse).toBe("none");
    expect(resolveUploadSettings({}, { BACKUP_SSE: "none" }, {}).settings.sse).toBe("none");
    expect(resolveUploadSettings({}, { BACKUP_USE_SSE_KMS: "false" }, {}).settings.sse).toBe(
      "AES256",
    );
    expect(() => resolveUploadSettings({ sse: "none" }, { BACKUP_KMS_KEY_ARN: "k" }, {})).toThrow(
      expect.objectContaining({
        code: "FLAGS_CONFLICT",
        message: "--kms-key conflicts with --sse none",
      }),
    );
    expect(() => resolveUploadSettings({ sse: "off" }, {}, {})).toThrow(
      expect.objectContaining({ code: "SETTING_INVALID" }),
    );
  });

  it("parses human sizes and rejects bad numbers as usage errors", () => {
    expect(resolveUploadSettings({ partSize: "64MiB" }, {}, {}).settings.partSize).toBe(
      64 * 1024 * 1024,
    );
    expect(() => resolveUploadSettings({ concurrency: "0" }, {}, {})).toThrow(
      expect.objectContaining({ code: "SETTING_INVALID" }),
    );
    expect(() => resolveUploadSettings({}, { NBS_COMPRESS: "brotli" }, {})).toThrow(
      expect.objectContaining({
        message: 'invalid value "brotli" for NBS_COMPRESS',
        hint: "choose one of: none, zstd, gzip",
      }),
    );
  });

  it("takes the commit from GitHub Actions when not given", () => {
    expect(
      resolveUploadSettings({}, { GITHUB_SHA: "0123456789abcdef" }, {}).settings.commitSha,
    ).toBe("0123456789abcdef");
  });
});
