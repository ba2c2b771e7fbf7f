import type { S3Client } from "@aws-sdk/client-s3";
import { sidecarKey, type BackupMeta } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import { getObjectRetention, type ObjectRetention } from "@nbs/s3-store";
import type { Check } from "./checks.js";

/**
 * A backup whose sidecar records an Object Lock retention must still carry it, on the dump and on
 * the sidecar, until that date: none, a weaker mode or an earlier date means someone with
 * s3:BypassGovernanceRetention shortened it, or the version was replaced. After the date the
 * lock has ended as planned (skipped, said so).
 */
export async function objectLockChecks(input: {
  client: S3Client;
  bucket: string;
  key: string;
  meta: BackupMeta | undefined;
  now: Date;
  signal?: AbortSignal | undefined;
}): Promise<Check[]> {
  const recorded = input.meta?.object_lock;
  if (!recorded) return [];
  const until = new Date(recorded.retain_until);
  const expected = `${recorded.mode} until ${recorded.retain_until}`;
  const checks: Check[] = [];
  for (const [what, key] of [
    ["dump", input.key],
    ["sidecar", sidecarKey(input.key)],
  ] as const) {
    const id = `object_lock.${what}`;
    const name = `Object Lock retention of the ${what} = sidecar`;
    if (until.getTime() <= input.now.getTime()) {
      checks.push({
        id,
        name,
        group: "integrity",
        status: "skip",
        expected,
        detail: "the recorded retention has ended",
      });
      continue;
    }
    const actual = await getObjectRetention(input.client, input.bucket, key, input.signal);
    checks.push({
      id,
      name,
      group: "integrity",
      status: holds(actual, recorded.mode, until) ? "pass" : "fail",
      expected,
      actual: actual ? `${actual.mode} until ${actual.retainUntil.toISOString()}` : "none",
    });
  }
  return checks;
}

function holds(actual: ObjectRetention | undefined, mode: string, until: Date): boolean {
  if (!actual) return false;
  const modeOk = actual.mode === mode || actual.mode === "COMPLIANCE";
  return modeOk && Math.floor(+actual.retainUntil / 1000) >= Math.floor(+until / 1000);
}

export function objectLockMissing(location: string, failed: readonly Check[]): NbsError {
  return new NbsError(
    "OBJECT_LOCK_MISSING",
    `${location} no longer carries the Object Lock retention its sidecar records: ${failed
      .map((c) => `${c.id} expected ${c.expected}, found ${c.actual}`)
      .join("; ")}`,
    {
      hint: "someone with s3:BypassGovernanceRetention shortened or removed it, or the object was replaced: check the bucket's audit log (CloudTrail); do not count on this backup being immutable",
    },
  );
}
