import { randomBytes } from "node:crypto";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectRetentionCommand,
} from "@aws-sdk/client-s3";
import { describeInteg, getS3TestEnv } from "@nbs/testenv";
import { expect, it } from "vitest";
import { keyOf, seed, type SeedBackup } from "./prune-seed.js";
import { upload as runCli } from "@nbs/testenv/run-cli";

interface Row {
  action: string;
  key: string;
  reasons: string[];
}

describeInteg("nbs-upload prune and S3 Object Lock on the real MinIO", () => {
  it("skips a backup under retention with the reason, and removes every version of it once expired", async () => {
    const s3 = await getS3TestEnv();
    const client = s3.client();
    const env = s3.processEnv();
    const bucket = `prune-lock-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
    await client.send(
      new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }),
    );
    const now = Date.now();
    const backups: SeedBackup[] = [40, 30, 20, 10].map((m) => ({
      db: "neo4j",
      createdAt: new Date(Math.floor((now - m * 60_000) / 1000) * 1000),
      verified: true,
    }));
    await seed(client, bucket, "prod", backups);
    const [locked, plain] = backups.map((b) => keyOf("prod", b));
    const versions = async (key: string) => {
      const out = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
      return [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])].map((v) => v.Key!);
    };
    const until = new Date(Date.now() + 8000);
    await client.send(
      new PutObjectRetentionCommand({
        Bucket: bucket,
        Key: locked,
        Retention: { Mode: "GOVERNANCE", RetainUntilDate: until },
      }),
    );
    // A default retention locks records too, and they outlive their backup: one of them here.
    const [record] = await versions(`${plain}.verify/`);
    await client.send(
      new PutObjectRetentionCommand({
        Bucket: bucket,
        Key: record,
        Retention: { Mode: "GOVERNANCE", RetainUntilDate: until },
      }),
    );
    const prune = async () => {
      const run = await runCli(
        ["prune", "--bucket", bucket, "--prefix", "prod", "--keep-last", "2", "--apply"],
        env,
      );
      expect(run.code, run.stderr).toBe(0);
      return new Map((JSON.parse(run.stdout) as { plan: Row[] }).plan.map((r) => [r.key, r]));
    };

    // The store itself refuses to delete the locked version (what prune must not depend on).
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: locked }));
    await expect(
      client.send(
        new DeleteObjectCommand({ Bucket: bucket, Key: locked, VersionId: head.VersionId }),
      ),
    ).rejects.toThrow();

    const first = await prune();
    expect(first.get(locked!)).toMatchObject({ action: "keep" });
    expect(first.get(locked!)!.reasons[0]).toMatch(/^locked \(Object Lock\) until \d{4}-/);
    expect(first.get(plain!)!.action).toBe("remove");
    expect(await versions(locked!)).toContain(locked);
    // Removed for real: no version and no delete marker left of the dump and its sidecar; the
    // locked record stays, to be removed once free.
    expect(await versions(plain!)).toEqual([record]);

    await new Promise((r) => setTimeout(r, Math.max(0, until.getTime() - Date.now() + 1500)));
    const second = await prune();
    expect(second.get(locked!)!.action).toBe("remove");
    expect(await versions(locked!)).toEqual([]);
    expect(second.get(plain!)).toMatchObject({
      action: "remove",
      reasons: ["verification records of a backup that is gone"],
    });
    expect(await versions(plain!)).toEqual([]);
  });
});
