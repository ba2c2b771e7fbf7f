import type { CliLogger } from "@nbs/cli-kit";
import { NbsError } from "@nbs/metadata";
import type { S3ClientOptions } from "@nbs/s3-store";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveUploadSettings } from "./settings.js";
import { runUpload } from "./upload.js";

const quiet: CliLogger = { log: () => {}, flush: () => Promise.resolve(), format: "json" };

describe("nbs-upload wiring", () => {
  it("hands --payload-signing and --ca-bundle to the S3 client it creates", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "nbs-wire-")), "neo4j-20261124T101500Z.dump");
    writeFileSync(file, "not a dump");
    const { settings } = resolveUploadSettings(
      { file, bucket: "nbs-test", allowAnyFile: true, payloadSigning: "always" },
      { BACKUP_S3_ENDPOINT: "https://minio.internal:9000", AWS_CA_BUNDLE: "/etc/ca.pem" },
      {},
    );
    let seen: S3ClientOptions | undefined;
    const run = runUpload(settings, {
      logger: quiet,
      env: {},
      signal: new AbortController().signal,
      createClient: (options) => {
        seen = options;
        throw new NbsError("STORAGE", "stop here");
      },
    });
    await expect(run).rejects.toThrow("stop here");
    expect(seen).toMatchObject({
      endpoint: "https://minio.internal:9000",
      caBundle: "/etc/ca.pem",
      payloadSigning: "always",
    });
  });
});
