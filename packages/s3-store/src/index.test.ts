import { describe, expect, it } from "vitest";
import * as api from "./index.js";

describe("the public surface of @nbs/s3-store", () => {
  it("exports only the backup-level API (the transport stays internal)", () => {
    expect(Object.keys(api).sort()).toEqual([
      "PAYLOAD_SIGNING_MODES",
      "applyLifecycleRule",
      "backupFile",
      "backupStream",
      "createS3Client",
      "getBackupStream",
      "getSetManifest",
      "headBackup",
      "latestBackup",
      "latestSetManifest",
      "listBackups",
      "listDumps",
      "putBackup",
      "putSetManifest",
      "retentionRule",
      "toStorageError",
    ]);
  });
});
