import {
  CreateBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectLockConfigurationCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { describeInteg, getVersitygwTestEnv, type S3StoreTestEnv } from "@nbs/testenv";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runCli } from "@nbs/testenv/run-cli";

// What versitygw (posix, tooling/services) does with S3 Object Lock, pinned (measured v1.8.0):
// it stores a per-object retention, reports and enforces it (no versioning: a locked object
// cannot even be deleted). A bucket's default retention it enforces on delete but reports on no
// object (HEAD, GetObjectRetention), so nbs cannot prove it.
let vgw: S3StoreTestEnv;
let client: S3Client;
let bucket: string;

beforeAll(async () => {
  vgw = await getVersitygwTestEnv();
  client = vgw.client();
  bucket = `nbs-vgw-lock-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  await client.send(
    new PutObjectLockConfigurationCommand({
      Bucket: bucket,
      ObjectLockConfiguration: {
        ObjectLockEnabled: "Enabled",
        Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 1 } },
      },
    }),
  );
});
afterAll(() => client?.destroy());

const upload = (prefix: string, ...extra: string[]) => {
  const file = join(mkdtempSync(join(tmpdir(), "nbs-vgw-lock-")), "neo4j-20261130T020000Z.dump");
  writeFileSync(file, randomBytes(64 * 1024));
  return runCli(
    "@nbs/upload-cli",
    ["--file", file, "--bucket", bucket, "--prefix", prefix, "--sse", "none", "--json", ...extra],
    { ...vgw.processEnv(), NBS_ALLOW_ANY_FILE: "1" },
  );
};
const keys = async (prefix: string) =>
  ((await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? [])
    .map((o) => o.Key)
    .sort();

describeInteg("S3 Object Lock on versitygw", () => {
  it("--object-lock bucket: versitygw reports no retention on the object, so nothing is committed (exit 2), though it enforces one", async () => {
    const run = await upload("by-default", "--object-lock", "bucket");
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain("OBJECT_LOCK_NOT_HONOURED");
    // no sidecar: not a backup. The dump stays: versitygw refuses its delete (the default
    // retention it enforces without reporting it)
    const key = "by-default/neo4j/neo4j-20261130T020000Z.dump";
    expect(await keys("by-default/")).toEqual([key]);
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ObjectLockMode).toBeUndefined();
    await expect(
      client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })),
    ).rejects.toMatchObject({ name: "AccessDenied" });
  });

  it("--object-lock governance --object-lock-days 1: versitygw applies and reports a retention named per object", async () => {
    const run = await upload("named", "--object-lock", "governance", "--object-lock-days", "1");
    expect(run.code, run.stderr).toBe(0);
    const key = "named/neo4j/neo4j-20261130T020000Z.dump";
    const recorded = (JSON.parse(run.stdout) as { object_lock: { retain_until: string } })
      .object_lock;
    for (const k of [key, `${key}.meta.json`]) {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: k }));
      expect(head.ObjectLockMode, k).toBe("GOVERNANCE");
      // versitygw reports whole seconds in HEAD
      expect(Math.floor(head.ObjectLockRetainUntilDate!.getTime() / 1000), k).toBe(
        Math.floor(Date.parse(recorded.retain_until) / 1000),
      );
    }
  });
});
