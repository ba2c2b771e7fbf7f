import { createHash, randomBytes } from "node:crypto";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { putVerificationRecord } from "@nbs/s3-store";
import { describeInteg, getS3TestEnv } from "@nbs/testenv";
import { expect, it } from "vitest";
import { toMinioPolicy, type PolicyDocument } from "../src/minio-policy.ts";
import { renderConfigFile } from "../src/placeholders.ts";
import { createUserWithPolicy } from "./minio-admin.ts";
import { runCli } from "@nbs/testenv/run-cli";

const PREFIX = "proof";

/** What an S3 call as `client` ended in: "ok" or the error's name (AccessDenied, ...). */
async function outcome(client: S3Client, command: object): Promise<string> {
  try {
    await client.send(command as Parameters<S3Client["send"]>[0]);
    return "ok";
  } catch (error) {
    return (error as Error).name;
  }
}

/** A small committed backup (dump, sidecar, verification record) written as root. */
async function backup(root: S3Client, bucket: string, createdAt: Date): Promise<string> {
  const ts = createdAt
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
  const key = `${PREFIX}/neo4j/neo4j-${ts}.dump`;
  const body = Buffer.from(`dump ${key}`);
  const sha256 = createHash("sha256").update(body).digest("hex");
  await root.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  const meta = {
    schemaVersion: 1,
    sha256,
    size: body.byteLength,
    db_name: "neo4j",
    created_at: createdAt.toISOString(),
    created_by: "prune-policy-proof",
    tool: { name: "nbs-upload", version: "0.0.0-test" },
  };
  await root.send(
    new PutObjectCommand({ Bucket: bucket, Key: `${key}.meta.json`, Body: JSON.stringify(meta) }),
  );
  await putVerificationRecord({
    client: root,
    bucket,
    record: {
      schemaVersion: 1,
      key,
      sha256,
      verified_at: new Date(createdAt.getTime() + 1000).toISOString(),
      mode: "checksum",
      ok: true,
      nbs_version: "0.0.0-test",
      checks: ["sha256"],
    },
  });
  return key;
}

describeInteg("config/aws/iam-prune-policy.json on the real MinIO", () => {
  it("prunes as the prune user, and never writes, bypasses a lock or deletes outside the prefix", async () => {
    const s3 = await getS3TestEnv();
    const root = s3.client();
    const bucket = `nbs-prune-policy-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
    await root.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
    await root.send(
      new PutObjectCommand({ Bucket: bucket, Key: "elsewhere/other.txt", Body: "o" }),
    );
    const now = Date.now();
    const keys: string[] = [];
    for (const m of [40, 30, 20, 10])
      keys.push(await backup(root, bucket, new Date(Math.floor((now - m * 60_000) / 1000) * 1000)));
    const [locked, removable] = keys;
    await root.send(
      new PutObjectRetentionCommand({
        Bucket: bucket,
        Key: locked,
        Retention: { Mode: "GOVERNANCE", RetainUntilDate: new Date(Date.now() + 60_000) },
      }),
    );
    const policy = toMinioPolicy(
      renderConfigFile("iam-prune-policy.json", {
        bucket,
        prefix: PREFIX,
        "account-id": "000000000000",
        region: s3.region,
        "kms-key-arn": s3.kmsKeyId,
      }) as PolicyDocument,
    );
    const prune = await createUserWithPolicy(s3, `${bucket}-prune`, policy);

    const run = await runCli(
      "@nbs/upload-cli",
      ["prune", "--bucket", bucket, "--prefix", PREFIX, "--keep-last", "2", "--apply", "--json"],
      prune.env,
    );
    expect(run.code, run.stderr).toBe(0);
    const plan = (
      JSON.parse(run.stdout) as { plan: Array<{ key: string; action: string; reasons: string[] }> }
    ).plan;
    expect(plan.find((r) => r.key === locked)!.reasons[0]).toMatch(/^locked \(Object Lock\) until/);
    expect(plan.find((r) => r.key === removable)!.action).toBe("remove");
    expect(await outcome(root, new HeadObjectCommand({ Bucket: bucket, Key: removable }))).toBe(
      "NotFound",
    );

    const head = await root.send(new HeadObjectCommand({ Bucket: bucket, Key: locked }));
    expect(
      await outcome(
        prune.client,
        new DeleteObjectCommand({
          Bucket: bucket,
          Key: locked,
          VersionId: head.VersionId,
          BypassGovernanceRetention: true,
        }),
      ),
    ).toBe("AccessDenied");
    expect(
      await outcome(
        prune.client,
        new PutObjectRetentionCommand({
          Bucket: bucket,
          Key: locked,
          VersionId: head.VersionId,
          BypassGovernanceRetention: true,
          Retention: { Mode: "GOVERNANCE", RetainUntilDate: new Date(Date.now() + 1000) },
        }),
      ),
    ).toBe("AccessDenied");
    expect(
      await outcome(
        prune.client,
        new PutObjectCommand({ Bucket: bucket, Key: `${PREFIX}/neo4j/x`, Body: "x" }),
      ),
    ).toBe("AccessDenied");
    expect(
      await outcome(
        prune.client,
        new DeleteObjectCommand({ Bucket: bucket, Key: "elsewhere/other.txt" }),
      ),
    ).toBe("AccessDenied");
    // The same delete with the bypass is allowed to root: the refusal above is the policy's.
    expect(
      await outcome(
        root,
        new DeleteObjectCommand({
          Bucket: bucket,
          Key: locked,
          VersionId: head.VersionId,
          BypassGovernanceRetention: true,
        }),
      ),
    ).toBe("ok");
  });
});
