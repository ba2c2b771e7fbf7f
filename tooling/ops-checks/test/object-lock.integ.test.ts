import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { backupFile, backupStream } from "@nbs/s3-store";
import { describeInteg, getS3TestEnv, type S3TestEnv } from "@nbs/testenv";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, expect, it } from "vitest";
import { toMinioPolicy, type PolicyDocument } from "../src/minio-policy.ts";
import { renderConfigFile } from "../src/placeholders.ts";
import { createUserWithPolicy, type MinioUser } from "./minio-admin.ts";
import { runCli } from "@nbs/testenv/run-cli";

// S3 Object Lock on the real MinIO: a bucket created with Object Lock, the shipped upload and
// verify policies, and retention of one day (CLI) or a few seconds (library, to see it end).
const PREFIX = "locked";
const DAY = 86_400_000;
const MIB = 1024 * 1024;

let s3: S3TestEnv;
let root: S3Client;
let bucket: string;
let upload: MinioUser;
let verify: MinioUser;

/** What an S3 call as `client` ended in: "ok" or the error's name (AccessDenied, ...). */
async function outcome(client: S3Client, command: object): Promise<string> {
  try {
    await client.send(command as Parameters<S3Client["send"]>[0]);
    return "ok";
  } catch (error) {
    return (error as Error).name;
  }
}

function dumpFile(name: string, bytes: Buffer): string {
  const file = join(mkdtempSync(join(tmpdir(), "nbs-lock-")), name);
  writeFileSync(file, bytes);
  return file;
}

const head = (key: string) => root.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
const sidecarOf = async (key: string) =>
  JSON.parse(
    await (
      await root.send(new GetObjectCommand({ Bucket: bucket, Key: `${key}.meta.json` }))
    ).Body!.transformToString(),
  ) as { object_lock?: { mode: string; retain_until: string } };
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  s3 = await getS3TestEnv();
  root = s3.client();
  bucket = `nbs-lock-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  await root.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  // a default encryption, as config/aws/terraform sets it (nbs-upload's default --sse bucket)
  await root.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
    }),
  );
  const values = {
    bucket,
    prefix: PREFIX,
    "account-id": "000000000000",
    region: s3.region,
    "kms-key-arn": s3.kmsKeyId,
  };
  const policy = (name: string) =>
    toMinioPolicy(renderConfigFile(`iam-${name}-policy.json`, values) as PolicyDocument);
  upload = await createUserWithPolicy(s3, `${bucket}-upload`, policy("upload"));
  verify = await createUserWithPolicy(s3, `${bucket}-verify`, policy("verify"));
});

describeInteg("S3 Object Lock on the real MinIO", () => {
  it("refuses --object-lock on a bucket without Object Lock before sending anything (exit 2)", async () => {
    const plain = await s3.createBucket("nbs-nolock");
    const file = dumpFile("neo4j-20261130T010000Z.dump", randomBytes(64 * 1024));
    const run = await runCli(
      "@nbs/upload-cli",
      ["--file", file, "--bucket", plain, "--object-lock", "governance"],
      {
        ...s3.processEnv(),
        BACKUP_OBJECT_LOCK_DAYS: "1",
        NBS_ALLOW_ANY_FILE: "1",
      },
    );
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain("OBJECT_LOCK_NOT_ENABLED");
    const listed = await root.send(new ListObjectsV2Command({ Bucket: plain }));
    expect(listed.Contents ?? []).toEqual([]);
    const open = await root.send(new ListMultipartUploadsCommand({ Bucket: plain }));
    expect(open.Uploads ?? []).toEqual([]);
  });

  const LOCKED = `${PREFIX}/neo4j/neo4j-20261130T020000Z.dump`;

  it("the upload user commits a multipart backup locked for a day: dump and sidecar carry it, the sidecar records it, list and verify show it", async () => {
    const before = Date.now();
    const file = dumpFile("neo4j-20261130T020000Z.dump", randomBytes(11 * MIB));
    const run = await runCli(
      "@nbs/upload-cli",
      [
        "--file",
        file,
        "--bucket",
        bucket,
        "--prefix",
        PREFIX,
        "--object-lock",
        "governance",
        "--object-lock-days",
        "1",
        "--json",
      ],
      { ...upload.env, NBS_ALLOW_ANY_FILE: "1", NBS_PART_SIZE: "5MiB" },
    );
    expect(run.code, run.stderr).toBe(0);
    // set when the upload was created, not extended after it
    expect(run.stderr).not.toContain("upload.lock.extend");
    const dump = await head(LOCKED);
    expect(dump.ETag).toMatch(/-3"$/); // multipart: the lock came with CreateMultipartUpload
    expect(dump.ObjectLockMode).toBe("GOVERNANCE");
    const until = dump.ObjectLockRetainUntilDate!.getTime();
    expect(until).toBeGreaterThanOrEqual(before + DAY);
    expect(until).toBeLessThan(Date.now() + DAY + 1000);
    const sidecar = await head(`${LOCKED}.meta.json`);
    expect(sidecar.ObjectLockMode).toBe("GOVERNANCE");
    expect(sidecar.ObjectLockRetainUntilDate!.getTime()).toBe(until);
    const recorded = (await sidecarOf(LOCKED)).object_lock!;
    expect(recorded.mode).toBe("GOVERNANCE");
    expect(Date.parse(recorded.retain_until)).toBe(until);
    expect(JSON.parse(run.stdout)).toMatchObject({ object_lock: recorded });

    const list = await runCli(
      "@nbs/verify-cli",
      ["list", "--bucket", bucket, "--prefix", PREFIX, "--json"],
      verify.env,
    );
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({
      backups: [{ key: LOCKED, object_lock: { mode: "GOVERNANCE" } }],
    });
    const verified = await runCli(
      "@nbs/verify-cli",
      ["--bucket", bucket, "--key", LOCKED, "--mode", "checksum", "--json"],
      verify.env,
    );
    expect(verified.code, verified.stderr).toBe(0);
    const checks = (
      JSON.parse(verified.stdout) as { checks: Array<{ id: string; status: string }> }
    ).checks;
    expect(checks.filter((c) => c.id.startsWith("object_lock."))).toEqual([
      expect.objectContaining({ id: "object_lock.dump", status: "pass" }),
      expect.objectContaining({ id: "object_lock.sidecar", status: "pass" }),
    ]);
  });

  it("the upload user can extend that lock but neither delete it nor shorten it plainly; root cannot delete the locked version; MinIO lets the bypass header shorten it (AWS does not), and verify notices", async () => {
    const { VersionId } = await head(LOCKED);
    const retention = (ms: number, bypass = false) =>
      new PutObjectRetentionCommand({
        Bucket: bucket,
        Key: LOCKED,
        VersionId,
        Retention: { Mode: "GOVERNANCE", RetainUntilDate: new Date(Date.now() + ms) },
        ...(bypass ? { BypassGovernanceRetention: true } : {}),
      });
    const del = (bypass: boolean) =>
      new DeleteObjectCommand({
        Bucket: bucket,
        Key: LOCKED,
        VersionId,
        ...(bypass ? { BypassGovernanceRetention: true } : {}),
      });
    expect(await outcome(upload.client, del(false))).toBe("AccessDenied");
    expect(await outcome(upload.client, del(true))).toBe("AccessDenied");
    expect(await outcome(upload.client, retention(3600_000))).not.toBe("ok");
    // the policy's cap: no writer locks a backup for longer than 400 days
    expect(await outcome(upload.client, retention(500 * DAY))).toBe("AccessDenied");
    expect(await outcome(upload.client, retention(2 * DAY))).toBe("ok");
    // the lock itself, not IAM: root may delete versions, but not this one
    expect(await outcome(root, del(false))).not.toBe("ok");
    expect((await head(LOCKED)).VersionId).toBe(VersionId);

    // Measured: MinIO takes s3:PutObjectRetention in place of s3:BypassGovernanceRetention when
    // the bypass header is sent, so the upload user (bypass denied) shortens a GOVERNANCE lock.
    // AWS requires s3:BypassGovernanceRetention. docs/neo4j/server.md: COMPLIANCE on MinIO.
    expect(await outcome(upload.client, retention(3600_000, true))).toBe("ok");
    const run = await runCli(
      "@nbs/verify-cli",
      ["--bucket", bucket, "--key", LOCKED, "--mode", "checksum", "--json"],
      verify.env,
    );
    expect(run.code, run.stderr).toBe(5);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: "OBJECT_LOCK_MISSING" } });
  });

  it("a lock of seconds: an overwrite by the upload user leaves the locked version as it was, and once the lock ends the version can be deleted", async () => {
    const bytes = randomBytes(256 * 1024);
    const retainUntil = new Date(Math.ceil((Date.now() + 6000) / 1000) * 1000);
    const result = await backupFile({
      client: upload.client,
      file: dumpFile("neo4j-20261130T030000Z.dump", bytes),
      bucket,
      prefix: PREFIX,
      sse: "bucket",
      allowAnyFile: true,
      objectLock: { mode: "GOVERNANCE", retainUntil },
    });
    expect(result.meta.object_lock).toEqual({
      mode: "GOVERNANCE",
      retain_until: retainUntil.toISOString(),
    });
    const key = result.key;
    const { VersionId } = await head(key);
    const put = (ifNoneMatch: boolean) =>
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: Buffer.from("overwritten"),
        ...(ifNoneMatch ? { IfNoneMatch: "*" } : {}),
      });
    expect(await outcome(upload.client, put(true))).toBe("PreconditionFailed");
    // MinIO cannot express the policy's deny of writes without If-None-Match (AWS refuses this
    // one): the write lands as a newer version on top, and the locked one stays as it was
    expect(await outcome(upload.client, put(false))).toBe("ok");
    const kept = await root.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId }));
    expect(sha256(await kept.Body!.transformToByteArray())).toBe(sha256(bytes));
    const delVersion = new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId });
    expect(await outcome(root, delVersion)).not.toBe("ok");

    // the store's clock decides; this machine's is the same one
    await sleep(Math.max(0, retainUntil.getTime() + 1500 - Date.now()));
    expect(await outcome(root, delVersion)).toBe("ok");
  });

  it("a streamed backup (dump --to-s3's path) is locked the same way; a COMPLIANCE lock the upload user cannot shorten even with the bypass header", async () => {
    const key = `${PREFIX}/neo4j/neo4j-20261130T040000Z.dump`;
    const retainUntil = new Date(Math.ceil((Date.now() + DAY) / 1000) * 1000);
    const events: string[] = [];
    await backupStream({
      onEvent: (event) => events.push(event),
      client: upload.client,
      bucket,
      key,
      sse: { mode: "bucket" },
      objectLock: { mode: "COMPLIANCE", retainUntil },
      meta: {
        db_name: "neo4j",
        created_at: "2026-11-30T04:00:00Z",
        created_by: "object-lock.integ",
        tool: { name: "nbs-upload", version: "0.0.0" },
      },
      source: Readable.from([randomBytes(MIB)]),
      finish: () => Promise.resolve({}),
      partSize: 5 * MIB,
    });
    for (const k of [key, `${key}.meta.json`]) {
      const h = await head(k);
      expect(h.ObjectLockMode, k).toBe("COMPLIANCE");
      expect(h.ObjectLockRetainUntilDate!.getTime(), k).toBe(retainUntil.getTime());
    }
    expect((await sidecarOf(key)).object_lock?.mode).toBe("COMPLIANCE");
    expect(events).not.toContain("upload.lock.extend");
    const shorten = new PutObjectRetentionCommand({
      Bucket: bucket,
      Key: key,
      Retention: { Mode: "COMPLIANCE", RetainUntilDate: new Date(Date.now() + 3600_000) },
      BypassGovernanceRetention: true,
    });
    expect(await outcome(upload.client, shorten)).not.toBe("ok");
    expect(await outcome(root, shorten)).not.toBe("ok");
    expect((await head(key)).ObjectLockRetainUntilDate!.getTime()).toBe(retainUntil.getTime());
  });
});
