import type { CliLogger } from "@nbs/cli-kit";
import { NbsError, isNbsError } from "@nbs/errors";
import {
  putVerificationRecord,
  verificationRecordKey,
  type VerificationRecord,
} from "@nbs/s3-store";
import type { VerifyReport } from "@nbs/verify";
import type { S3Client } from "@aws-sdk/client-s3";
import pkg from "../../../package.json" with { type: "json" };

export interface RecordInput {
  client: S3Client;
  report: VerifyReport;
  logger: CliLogger;
  signal: AbortSignal;
  now?: () => Date;
}

/** The record of one successful verification of a stored backup (the report says what passed). */
export function recordOf(report: VerifyReport, at: Date): VerificationRecord {
  const stats = report.counts?.actual;
  return {
    schemaVersion: 1,
    key: report.source.key!,
    sha256: report.sha256.actual!,
    verified_at: at.toISOString(),
    mode: report.mode,
    ok: true,
    nbs_version: pkg.version,
    checks: report.checks.filter((c) => c.status === "pass").map((c) => c.id),
    ...(stats ? { stats: { nodes: stats.nodes, relationships: stats.relationships } } : {}),
    ...(report.neo4j ? { neo4j_version: report.neo4j.version } : {}),
  };
}

/**
 * `--record`: write `<key>.verify/<time>-<mode>.json` next to a backup that verified. It never
 * replaces an object (If-None-Match: *). A record that cannot be written is VERIFY_RECORD_FAILED
 * (exit 4): the backup verified, but the run is not the fully fine one an operator asked for.
 */
export async function writeVerificationRecord(input: RecordInput): Promise<string> {
  const { report } = input;
  const bucket = report.source.bucket!;
  const record = recordOf(report, (input.now ?? (() => new Date()))());
  const key = verificationRecordKey(record.key, new Date(record.verified_at), record.mode);
  try {
    await putVerificationRecord({ client: input.client, bucket, record, signal: input.signal });
  } catch (error) {
    if (!isNbsError(error) || error.category === "ABORTED") throw error;
    throw new NbsError(
      "VERIFY_RECORD_FAILED",
      `the backup verified, but its verification record s3://${bucket}/${key} was not written: ${error.code}: ${error.message}`,
      {
        hint:
          error.code === "ACCESS_DENIED"
            ? "allow the verify role s3:PutObject on <prefix>/*.dump.verify/*.json (config/aws/iam-verify-policy.json), or drop --record / NBS_VERIFY_RECORD"
            : "check the store and run nbs-verify --record again; the backup itself is fine",
      },
    );
  }
  input.logger.log("info", "verify.record.written", { bucket, key });
  return key;
}
