import { createCliLogger } from "@nbs/cli-kit";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { runDump } from "./run.js";
import { resolveDumpSettings } from "./settings.js";

const sink = new Writable({ write: (_c, _e, done) => done() });
const deps = () => ({
  logger: createCliLogger({ format: "json", verbose: false, stream: sink, env: {} }),
  env: {},
  signal: new AbortController().signal,
});
const dumpSettings = (flags: Record<string, unknown>, env: Record<string, string> = {}) =>
  resolveDumpSettings({ neo4jHome: "/nonexistent/neo4j", ...flags }, env, {}).settings;

describe("nbs-upload dump --to-s3 settings", () => {
  it("defaults to 64 MiB parts (625 GiB at most), two in flight, and takes the upload's storage variables", () => {
    const s = dumpSettings(
      { toS3: true },
      {
        BACKUP_S3_BUCKET: "b",
        BACKUP_S3_PREFIX: "prod",
        BACKUP_S3_ENDPOINT: "https://127.0.0.1:9000",
        BACKUP_KMS_KEY_ARN: "arn:aws:kms:eu-west-1:111122223333:key/abcd",
      },
    );
    expect(s).toMatchObject({
      toS3: true,
      bucket: "b",
      prefix: "prod",
      region: "us-east-1",
      sse: "aws:kms",
      partSize: 64 * 1024 * 1024,
      concurrency: 2,
    });
  });

  it("refuses --out-dir with --to-s3 (no local file is written) before touching Neo4j", async () => {
    const error = await runDump(
      dumpSettings({ toS3: true, bucket: "b", outDir: "/tmp/x" }),
      deps(),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "FLAGS_CONFLICT", category: "USAGE" });
  });

  it("refuses --object-lock governance without --object-lock-days before touching Neo4j", async () => {
    const error = await runDump(
      dumpSettings(
        { toS3: true, bucket: "nbs-b", objectLock: "governance" },
        { BACKUP_S3_ENDPOINT: "https://127.0.0.1:9000" },
      ),
      deps(),
    ).catch((e: unknown) => e);
    // the Neo4j home does not exist: a check after locating it would fail on that instead
    expect(error).toMatchObject({ code: "OBJECT_LOCK_INVALID", category: "USAGE" });
  });

  it("refuses --to-s3 without a bucket", async () => {
    const error = await runDump(dumpSettings({ toS3: true }), deps()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SETTING_MISSING", category: "USAGE" });
  });

  it("refuses --kms-key with an explicit --sse AES256", () => {
    expect(() => resolveDumpSettings({ toS3: true, sse: "AES256", kmsKey: "k" }, {}, {})).toThrow(
      expect.objectContaining({ code: "FLAGS_CONFLICT" }),
    );
  });
});
