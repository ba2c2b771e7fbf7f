import {
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { describeInteg, getS3TestEnv, type S3TestEnv } from "@nbs/testenv";
import { createHash, randomBytes } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import { toMinioPolicy, type PolicyDocument } from "../src/minio-policy.ts";
import { renderConfigFile } from "../src/placeholders.ts";
import { createUserWithPolicy, mc, type MinioUser } from "./minio-admin.ts";
import { runCli } from "@nbs/testenv/run-cli";

// config/aws/iam-verify-policy.json on the real MinIO: the verify role writes verification
// records (nbs-verify --record) and nothing else, and without that grant --record fails loudly.

const PREFIX = "records";
const DUMP_KEY = `${PREFIX}/neo4j/neo4j-20261201T020000Z.dump`;
const SIDECAR_KEY = `${DUMP_KEY}.meta.json`;

let s3: S3TestEnv;
let root: S3Client;
let bucket: string;
let verify: MinioUser;
let readOnly: MinioUser;

async function outcome(client: S3Client, command: object): Promise<string> {
  try {
    await client.send(command as Parameters<S3Client["send"]>[0]);
    return "ok";
  } catch (error) {
    return (error as Error).name;
  }
}

beforeAll(async () => {
  s3 = await getS3TestEnv();
  root = s3.client();
  bucket = await s3.createBucket("nbs-records");
  const policy = renderConfigFile("iam-verify-policy.json", {
    bucket,
    prefix: PREFIX,
    region: s3.region,
    "kms-key-arn": s3.kmsKeyId,
  }) as PolicyDocument;
  verify = await createUserWithPolicy(s3, `${bucket}-verify`, toMinioPolicy(policy));
  // the policy as it was before records: reads only
  const reads = policy.Statement.filter((s) => s.Sid !== "WriteVerificationRecordsOnly");
  readOnly = await createUserWithPolicy(
    s3,
    `${bucket}-read`,
    toMinioPolicy({ ...policy, Statement: reads }),
  );
  // the bucket's default encryption, as config/aws/terraform sets it
  await mc(["encrypt", "set", "sse-kms", s3.kmsKeyId, `nbs/${bucket}`]);
  const bytes = randomBytes(4096);
  // the sidecar nbs-upload writes (the required fields of packages/metadata's schema)
  const meta = {
    schemaVersion: 1,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    size: bytes.length,
    db_name: "neo4j",
    created_at: "2026-12-01T02:00:00Z",
    created_by: "policy-records",
    tool: { name: "policy-records", version: "0" },
  };
  await root.send(new PutObjectCommand({ Bucket: bucket, Key: DUMP_KEY, Body: bytes }));
  await root.send(
    new PutObjectCommand({ Bucket: bucket, Key: SIDECAR_KEY, Body: JSON.stringify(meta) }),
  );
});

const records = async () =>
  (
    await root.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${DUMP_KEY}.verify/` }))
  ).Contents?.map((o) => o.Key!) ?? [];

describeInteg("the verify role and verification records on the real MinIO", () => {
  it("lets the verify user record a verification (nbs-verify --record) and write nothing else, delete nothing", async () => {
    const run = await runCli(
      "@nbs/verify-cli",
      ["--s3-uri", `s3://${bucket}/${DUMP_KEY}`, "--mode", "checksum", "--record", "--json"],
      verify.env,
    );
    expect(run.code, run.stderr).toBe(0);
    const [record] = await records();
    expect(record).toBeDefined();
    const head = await root.send(new HeadObjectCommand({ Bucket: bucket, Key: record }));
    expect(head.ServerSideEncryption).toBe("aws:kms");

    const put = (Key: string, extra: object = {}) =>
      outcome(verify.client, new PutObjectCommand({ Bucket: bucket, Key, Body: "x", ...extra }));
    // no dump or sidecar, new or existing; no record-looking key that is not under a dump
    expect(await put(DUMP_KEY)).toBe("AccessDenied");
    expect(await put(SIDECAR_KEY)).toBe("AccessDenied");
    expect(await put(`${PREFIX}/neo4j/neo4j-20261202T020000Z.dump`)).toBe("AccessDenied");
    expect(await put(`${PREFIX}/neo4j/neo4j-20261202T020000Z.dump.meta.json`)).toBe("AccessDenied");
    expect(await put(`${PREFIX}/neo4j/notes.verify/x.json`)).toBe("AccessDenied");
    expect(await put(`elsewhere/neo4j-20261201T020000Z.dump.verify/x.json`)).toBe("AccessDenied");
    // an existing record is not replaced (nbs sends If-None-Match: *)
    expect(await put(record!, { IfNoneMatch: "*" })).toBe("PreconditionFailed");
    for (const Key of [DUMP_KEY, SIDECAR_KEY, record!]) {
      expect(await outcome(verify.client, new DeleteObjectCommand({ Bucket: bucket, Key }))).toBe(
        "AccessDenied",
      );
    }
    expect(await records()).toEqual([record]);
  });

  it("without the record grant, --record exits 4 VERIFY_RECORD_FAILED saying the backup verified, and prints no credential", async () => {
    const run = await runCli(
      "@nbs/verify-cli",
      ["--s3-uri", `s3://${bucket}/${DUMP_KEY}`, "--mode", "checksum", "--json"],
      { ...readOnly.env, NBS_VERIFY_RECORD: "true" },
    );
    expect(run.code, run.stderr).toBe(4);
    const doc = JSON.parse(run.stdout) as {
      error: { code: string; message: string };
      report: { outcome: string };
    };
    expect(doc.error.code).toBe("VERIFY_RECORD_FAILED");
    expect(doc.error.message).toMatch(/the backup verified, but .* was not written: ACCESS_DENIED/);
    expect(doc.report.outcome).toBe("verified");
    for (const secret of [readOnly.secretAccessKey, readOnly.accessKeyId]) {
      expect(run.stdout + run.stderr).not.toContain(secret);
    }
    expect(await records()).toHaveLength(1);
  });
});
