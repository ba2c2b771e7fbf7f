import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketLifecycleConfigurationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
  type LifecycleRule,
  type PutObjectCommandInput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { describeInteg, getS3TestEnv, type S3TestEnv } from "@nbs/testenv";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { toMinioPolicy, type PolicyDocument } from "../src/minio-policy.ts";
import { renderConfigFile, type PlaceholderValues } from "../src/placeholders.ts";
import { createUserWithPolicy, mc, type MinioUser } from "./minio-admin.ts";
import { runCli } from "@nbs/testenv/run-cli";

const PREFIX = "proof";
const MIB = 1024 * 1024;
const DUMP_KEY = `${PREFIX}/neo4j/neo4j-20261130T020000Z.dump`;

let s3: S3TestEnv;
let root: S3Client;
let bucket: string;
let upload: MinioUser;
let verify: MinioUser;
let values: PlaceholderValues;

/** The JSON log lines of a CLI run (NBS_LOG_FORMAT=json on stderr). */
function logEvents(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** What an S3 call as `client` ended in: "ok" or the error's name (AccessDenied, ...). */
async function outcome(client: S3Client, command: object): Promise<string> {
  try {
    // any command of this client; the union type of send() does not accept a single command type
    await client.send(command as Parameters<S3Client["send"]>[0]);
    return "ok";
  } catch (error) {
    return (error as Error).name;
  }
}

const putKms = (key: string) =>
  new PutObjectCommand({
    Bucket: bucket,
    Key: key,
    Body: "x",
    ServerSideEncryption: "aws:kms",
    SSEKMSKeyId: s3.kmsKeyId,
  });

beforeAll(async () => {
  s3 = await getS3TestEnv();
  root = s3.client();
  bucket = await s3.createBucket("nbs-policy");
  // the same files an operator attaches in AWS, rendered for this bucket and prefix
  values = {
    bucket,
    prefix: PREFIX,
    "account-id": "000000000000",
    region: s3.region,
    // MinIO compares the key id as sent (nbs-upload --kms-key), like AWS compares the ARN
    "kms-key-arn": s3.kmsKeyId,
  };
  const policy = (name: string) =>
    toMinioPolicy(renderConfigFile(`iam-${name}-policy.json`, values) as PolicyDocument);
  upload = await createUserWithPolicy(s3, `${bucket}-upload`, policy("upload"));
  verify = await createUserWithPolicy(s3, `${bucket}-verify`, policy("verify"));
  await root.send(new PutObjectCommand({ Bucket: bucket, Key: "elsewhere/other.txt", Body: "o" }));
  // the bucket's default encryption, as config/aws/terraform sets it
  await mc(["encrypt", "set", "sse-kms", s3.kmsKeyId, `nbs/${bucket}`]);
});

describeInteg("config/aws policies on the real MinIO", () => {
  it("nbs-upload commits a multipart SSE-KMS backup as the upload user", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nbs-policy-"));
    const file = join(dir, "neo4j-20261130T020000Z.dump");
    writeFileSync(file, randomBytes(11 * 1024 * 1024));
    const run = await runCli(
      "@nbs/upload-cli",
      ["--file", file, "--bucket", bucket, "--prefix", PREFIX, "--kms-key", s3.kmsKeyId],
      {
        ...upload.env,
        NBS_ALLOW_ANY_FILE: "1",
        NBS_PART_SIZE: "5MiB",
        BACKUP_RETENTION_DAYS: "30",
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const head = await root.send(new HeadObjectCommand({ Bucket: bucket, Key: DUMP_KEY }));
    expect(head.ServerSideEncryption).toBe("aws:kms");
    expect(head.ETag).toMatch(/-3"$/); // three parts: the multipart calls were allowed too
    const sidecar = await root.send(
      new GetObjectCommand({ Bucket: bucket, Key: `${DUMP_KEY}.meta.json` }),
    );
    expect(JSON.parse(await sidecar.Body!.transformToString())).toMatchObject({
      retention_days: 30,
    });
  });

  it("nbs-verify reads and checks that backup as the verify user", async () => {
    const run = await runCli(
      "@nbs/verify-cli",
      ["--latest", "--bucket", bucket, "--prefix", PREFIX, "--mode", "checksum", "--json"],
      verify.env,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ source: { key: DUMP_KEY } });
  });

  it("commits with no KMS setting at all (the documented default, --sse bucket): stored under the bucket's SSE-KMS key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nbs-policy-"));
    const file = join(dir, "neo4j-20261130T050000Z.dump");
    writeFileSync(file, randomBytes(64 * 1024));
    const run = await runCli(
      "@nbs/upload-cli",
      ["--file", file, "--bucket", bucket, "--prefix", PREFIX, "--json"],
      { ...upload.env, NBS_ALLOW_ANY_FILE: "1" },
    );
    expect(run.code, run.stderr).toBe(0);
    const { key } = JSON.parse(run.stdout) as { key: string };
    const head = await root.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ServerSideEncryption).toBe("aws:kms");
    expect(head.SSEKMSKeyId).toMatch(new RegExp(`[:/]${s3.kmsKeyId}$`));
    const sidecar = await root.send(
      new GetObjectCommand({ Bucket: bucket, Key: `${key}.meta.json` }),
    );
    expect(JSON.parse(await sidecar.Body!.transformToString())).toMatchObject({
      storage: { sse: "aws:kms" },
    });
  });

  it("resumes, as the upload user, the multipart upload an interrupted run left open", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nbs-policy-"));
    const file = join(dir, "neo4j-20261130T060000Z.dump");
    const bytes = randomBytes(11 * 1024 * 1024);
    writeFileSync(file, bytes);
    const key = `${PREFIX}/neo4j/neo4j-20261130T060000Z.dump`;
    // what a killed nbs-upload leaves: an open upload (SHA-256 parts, as nbs sends them) with two
    // of its three 5 MiB parts stored, made with the upload user's own credentials
    const { UploadId } = await upload.client.send(
      new CreateMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        ChecksumAlgorithm: "SHA256",
        ChecksumType: "COMPOSITE",
      }),
    );
    for (const n of [1, 2]) {
      await upload.client.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          PartNumber: n,
          Body: bytes.subarray((n - 1) * 5 * MIB, n * 5 * MIB),
          ChecksumAlgorithm: "SHA256",
        }),
      );
    }
    const run = await runCli(
      "@nbs/upload-cli",
      ["--file", file, "--bucket", bucket, "--prefix", PREFIX, "--json"],
      {
        ...upload.env,
        NBS_ALLOW_ANY_FILE: "1",
        NBS_PART_SIZE: "5MiB",
        NBS_RESUME_IDLE: "0",
        NBS_VERBOSE: "1", // the resume events are debug events
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const found = logEvents(run.stderr).find((e) => e["event"] === "upload.resume.found");
    expect(found, run.stderr).toMatchObject({ upload_id: UploadId, parts_stored: 2 });
    expect(logEvents(run.stderr).map((e) => e["event"])).not.toContain("upload.resume.unavailable");
    const head = await root.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ETag).toMatch(/-3"$/);
    const open = await root.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }));
    expect(open.Uploads ?? []).toEqual([]);
  });

  it("denies the upload user a write naming another encryption or key: nbs-upload --sse AES256 exits 4", async () => {
    const put = (key: string, sse: Partial<PutObjectCommandInput>) =>
      outcome(upload.client, new PutObjectCommand({ Bucket: bucket, Key: key, Body: "x", ...sse }));
    expect(await put(`${PREFIX}/s3`, { ServerSideEncryption: "AES256" })).toBe("AccessDenied");
    expect(
      await put(`${PREFIX}/other-key`, {
        ServerSideEncryption: "aws:kms",
        SSEKMSKeyId: "nbs-other-key",
      }),
    ).toBe("AccessDenied");
    expect(await outcome(upload.client, putKms(`${PREFIX}/kms`))).toBe("ok");

    const dir = mkdtempSync(join(tmpdir(), "nbs-policy-"));
    const file = join(dir, "neo4j-20261130T030000Z.dump");
    writeFileSync(file, randomBytes(1000));
    const run = await runCli(
      "@nbs/upload-cli",
      ["--file", file, "--bucket", bucket, "--prefix", PREFIX, "--sse", "AES256"],
      { ...upload.env, NBS_ALLOW_ANY_FILE: "1" },
    );
    expect(run.code, run.stderr).toBe(4);
    expect(
      await outcome(
        root,
        new HeadObjectCommand({
          Bucket: bucket,
          Key: `${PREFIX}/neo4j/neo4j-20261130T030000Z.dump`,
        }),
      ),
    ).toBe("NotFound");
  });

  it("stores a write that names no encryption (an upload part, a careless client) with the bucket's SSE-KMS key", async () => {
    const key = `${PREFIX}/no-header`;
    expect(
      await outcome(upload.client, new PutObjectCommand({ Bucket: bucket, Key: key, Body: "x" })),
    ).toBe("ok");
    const head = await root.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ServerSideEncryption).toBe("aws:kms");
    expect(head.SSEKMSKeyId).toMatch(new RegExp(`[:/]${s3.kmsKeyId}$`));
  });

  it("leaves the If-None-Match deny to AWS: MinIO refuses its condition keys, and refuses an overwrite only when the header is sent", async () => {
    const aws = renderConfigFile("iam-upload-policy.json", values) as PolicyDocument;
    const deny = aws.Statement.find((s) => s.Sid === "DenyWritesThatCouldOverwrite")!;
    const file = join(mkdtempSync(join(tmpdir(), "nbs-policy-")), "deny.json");
    writeFileSync(file, JSON.stringify({ Version: aws.Version, Statement: [deny] }));
    // measured: MinIO has neither s3:if-none-match nor s3:ObjectCreationOperation as a policy key
    await expect(mc(["admin", "policy", "create", "nbs", `${bucket}-inm`, file])).rejects.toThrow(
      /invalid condition key 's3:(if-none-match|ObjectCreationOperation)'/,
    );
    // nbs's own guard holds on MinIO: If-None-Match: * on an existing key is refused
    const again = new PutObjectCommand({
      Bucket: bucket,
      Key: DUMP_KEY,
      Body: "overwrite",
      IfNoneMatch: "*",
    });
    expect(await outcome(upload.client, again)).toBe("PreconditionFailed");
  });

  it("denies the upload user deletes and anything outside its prefix", async () => {
    expect(
      await outcome(upload.client, new DeleteObjectCommand({ Bucket: bucket, Key: DUMP_KEY })),
    ).toBe("AccessDenied");
    expect(await outcome(root, new HeadObjectCommand({ Bucket: bucket, Key: DUMP_KEY }))).toBe(
      "ok",
    );
    expect(await outcome(upload.client, putKms("elsewhere/x.dump"))).toBe("AccessDenied");
    expect(await outcome(upload.client, putKms("proofx/x.dump"))).toBe("AccessDenied");
    expect(await outcome(upload.client, putKms("top-level.dump"))).toBe("AccessDenied");
    expect(
      await outcome(
        upload.client,
        new GetObjectCommand({ Bucket: bucket, Key: "elsewhere/other.txt" }),
      ),
    ).toBe("AccessDenied");
    expect(
      await outcome(
        upload.client,
        new ListObjectsV2Command({ Bucket: bucket, Prefix: "elsewhere/" }),
      ),
    ).toBe("AccessDenied");
  });

  it("denies the verify user every write and reads outside its prefix", async () => {
    expect(await outcome(verify.client, putKms(`${PREFIX}/neo4j/forged.dump`))).toBe(
      "AccessDenied",
    );
    expect(
      await outcome(
        verify.client,
        new CreateMultipartUploadCommand({
          Bucket: bucket,
          Key: `${PREFIX}/neo4j/forged.dump`,
          ServerSideEncryption: "aws:kms",
          SSEKMSKeyId: s3.kmsKeyId,
        }),
      ),
    ).toBe("AccessDenied");
    expect(
      await outcome(verify.client, new DeleteObjectCommand({ Bucket: bucket, Key: DUMP_KEY })),
    ).toBe("AccessDenied");
    expect(
      await outcome(
        verify.client,
        new AbortMultipartUploadCommand({ Bucket: bucket, Key: DUMP_KEY, UploadId: "x" }),
      ),
    ).toBe("AccessDenied");
    expect(
      await outcome(
        verify.client,
        new GetObjectCommand({ Bucket: bucket, Key: "elsewhere/other.txt" }),
      ),
    ).toBe("AccessDenied");
    expect(
      await outcome(verify.client, new GetObjectCommand({ Bucket: bucket, Key: DUMP_KEY })),
    ).toBe("ok");
  });

  it("commits a dump uploaded by hand to nbs's key (the runbook's aws s3 cp): outcome adopted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nbs-policy-"));
    const file = join(dir, "neo4j-20261130T040000Z.dump");
    writeFileSync(file, randomBytes(64 * 1024));
    const args = ["--file", file, "--bucket", bucket, "--prefix", PREFIX, "--kms-key", s3.kmsKeyId];
    const env = { ...upload.env, NBS_ALLOW_ANY_FILE: "1" };
    const plan = await runCli("@nbs/upload-cli", [...args, "--dry-run", "--json"], env);
    const { key } = JSON.parse(plan.stdout) as { key: string };
    const byHand = new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: readFileSync(file),
      ServerSideEncryption: "aws:kms",
      SSEKMSKeyId: s3.kmsKeyId,
    });
    expect(await outcome(upload.client, byHand)).toBe("ok");

    const run = await runCli("@nbs/upload-cli", [...args, "--json"], env);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: "adopted", key });
  });

  it("does not let the upload user change the bucket's lifecycle: retention --apply exits 4", async () => {
    const run = await runCli(
      "@nbs/upload-cli",
      ["retention", "--apply", "--bucket", bucket, "--prefix", PREFIX, "--days", "7"],
      upload.env,
    );
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toContain(
      `not permitted to read the lifecycle configuration of bucket ${bucket}`,
    );
  });

  it.each(["dev", "staging", "prod"])(
    "accepts lifecycle-%s.json and reads it back",
    async (env) => {
      const target = await s3.createBucket(`nbs-lifecycle-${env}`);
      await root.send(
        new PutBucketVersioningCommand({
          Bucket: target,
          VersioningConfiguration: { Status: "Enabled" },
        }),
      );
      const sample = renderConfigFile(`lifecycle-${env}.json`, { prefix: env }) as {
        Rules: LifecycleRule[];
      };
      await root.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: target,
          LifecycleConfiguration: sample,
        }),
      );
      const back = await root.send(new GetBucketLifecycleConfigurationCommand({ Bucket: target }));
      const { AbortIncompleteMultipartUpload, ...kept } = sample.Rules[0]!;
      expect(AbortIncompleteMultipartUpload).toBeDefined();
      // MinIO accepts AbortIncompleteMultipartUpload and drops it: it is not read back (AWS keeps it).
      expect(back.Rules).toEqual([kept]);
    },
  );
});
