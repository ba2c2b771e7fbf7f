import { parseChoice, parsePositiveInt, setting as S } from "@nbs/cli-kit";
import { NbsError } from "@nbs/errors";
import type { ObjectLockRequest } from "@nbs/s3-store";

const MODES = ["none", "bucket", "governance", "compliance"] as const;
type LockSetting = (typeof MODES)[number];

/** `--object-lock` and `--object-lock-days`, shared by `upload` and `dump --to-s3`. */
export const OBJECT_LOCK_SETTINGS = {
  objectLock: S(
    ["BACKUP_OBJECT_LOCK"],
    "string",
    "S3 Object Lock on the dump and its sidecar: governance or compliance (with --object-lock-days), bucket (the bucket's default retention, required to apply), none (a default retention is still recorded); needs a bucket with Object Lock",
    "none",
    parseChoice(MODES),
    MODES,
  ),
  objectLockDays: S(
    ["BACKUP_OBJECT_LOCK_DAYS"],
    "number",
    "days each backup stays locked (with --object-lock governance|compliance)",
    undefined,
    parsePositiveInt,
  ),
};

/** The library's request: a named mode's retain-until is `now` + days, in whole seconds. */
export function objectLockRequest(
  settings: { objectLock: LockSetting; objectLockDays: number | undefined },
  now: Date,
): ObjectLockRequest {
  const { objectLock: mode, objectLockDays: days } = settings;
  if (mode === "governance" || mode === "compliance") {
    if (days === undefined) {
      throw new NbsError("OBJECT_LOCK_INVALID", `--object-lock ${mode} needs --object-lock-days`, {
        hint: "pass --object-lock-days N (BACKUP_OBJECT_LOCK_DAYS), or --object-lock bucket for the bucket's default retention",
      });
    }
    const until = Math.ceil((now.getTime() + days * 86_400_000) / 1000) * 1000;
    return {
      mode: mode === "governance" ? "GOVERNANCE" : "COMPLIANCE",
      retainUntil: new Date(until),
    };
  }
  if (days !== undefined) {
    throw new NbsError(
      "OBJECT_LOCK_INVALID",
      `--object-lock-days needs --object-lock governance or compliance, not ${mode}`,
      { hint: "add --object-lock governance (or compliance), or drop --object-lock-days" },
    );
  }
  return { mode };
}
