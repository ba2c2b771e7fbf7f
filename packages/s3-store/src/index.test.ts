import { describe, expect, it } from "vitest";
import * as api from "./index.js";

describe("the public surface of @nbs/s3-store", () => {
  it("exports only the backup-level API (the transport stays internal)", () => {
    expect(Object.keys(api).sort()).toEqual([
      "PAYLOAD_SIGNING_MODES",
      "VERIFY_RECORD_INFIX",
      "applyLifecycleRule",
      "applyPrunePlan",
      "backupFile",
      "backupStream",
      "checkShrink",
      "createS3Client",
      "getBackupStream",
      "getObjectRetention",
      "getSetManifest",
      "headBackup",
      "latestBackup",
      "latestSetManifest",
      "latestVerifications",
      "listBackups",
      "listDumps",
      "listPruneTargets",
      "listVerificationRecords",
      "parseSpan",
      "parseVerificationRecordKey",
      "planPrune",
      "putBackup",
      "putSetManifest",
      "putVerificationRecord",
      "retentionRule",
      "toStorageError",
      "verificationRecordKey",
      "verificationRecordPrefix",
    ]);
  });
});
