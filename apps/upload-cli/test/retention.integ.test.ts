import {
  GetBucketLifecycleConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  type S3Client,
} from "@aws-sdk/client-s3";
import { describeInteg, getS3TestEnv, type S3TestEnv } from "@nbs/testenv";
import { beforeAll, expect, it } from "vitest";
import { upload as runCli } from "@nbs/testenv/run-cli";

let s3: S3TestEnv;
let client: S3Client;
let env: Record<string, string>;

beforeAll(async () => {
  s3 = await getS3TestEnv();
  client = s3.client();
  env = s3.processEnv();
});

const OTHER: LifecycleRule = {
  ID: "someone-elses-logs",
  Status: "Enabled",
  Filter: { Prefix: "logs/" },
  Expiration: { Days: 3 },
};

async function rules(bucket: string): Promise<LifecycleRule[]> {
  try {
    const out = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    return out.Rules ?? [];
  } catch (error) {
    if ((error as Error).name === "NoSuchLifecycleConfiguration") return [];
    throw error;
  }
}

const ruleIds = async (bucket: string) => (await rules(bucket)).map((r) => r.ID).sort();

describeInteg("nbs-upload retention against the real MinIO", () => {
  it("prints the rule and changes nothing without --apply", async () => {
    const bucket = await s3.createBucket("retention-dry");
    const run = await runCli(["retention", "--bucket", bucket, "--prefix", "staging"], {
      ...env,
      BACKUP_RETENTION_DAYS: "30",
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      outcome: "dry-run",
      rule: {
        ID: "nbs-retention-staging",
        Filter: { Prefix: "staging/" },
        Expiration: { Days: 30 },
      },
    });
    expect(await rules(bucket)).toEqual([]);
  });

  it("--apply merges the rule, keeps the other rules, and is idempotent", async () => {
    const bucket = await s3.createBucket("retention-apply");
    await client.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: { Rules: [OTHER] },
      }),
    );
    const apply = (days: string) =>
      runCli(["retention", "--apply", "--bucket", bucket, "--prefix", "prod", "--days", days], env);

    const first = await apply("90");
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ outcome: "applied", other_rules: [OTHER.ID] });
    expect(await ruleIds(bucket)).toEqual(["nbs-retention-prod", OTHER.ID]);
    const ours = (await rules(bucket)).find((r) => r.ID === "nbs-retention-prod");
    expect(ours).toMatchObject({ Filter: { Prefix: "prod/" }, Expiration: { Days: 90 } });

    const again = await apply("90");
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: "unchanged" });

    const changed = await apply("60");
    expect(JSON.parse(changed.stdout)).toMatchObject({ outcome: "applied" });
    expect(await ruleIds(bucket)).toEqual(["nbs-retention-prod", OTHER.ID]);
    expect((await rules(bucket)).find((r) => r.ID === "nbs-retention-prod")!.Expiration).toEqual({
      Days: 60,
    });
    expect((await rules(bucket)).find((r) => r.ID === OTHER.ID)).toMatchObject(OTHER);
  });
});
