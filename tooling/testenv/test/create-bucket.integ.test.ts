import { DeleteBucketCommand, HeadBucketCommand } from "@aws-sdk/client-s3";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import { describeInteg, getS3TestEnv } from "../src/index.ts";
import { repoRoot } from "../src/services-env.ts";

const run = promisify(execFile);

// `dev.sh demo` makes its bucket with this script (no mc): over https, trusting AWS_CA_BUNDLE as
// services.env names it (no NODE_EXTRA_CA_CERTS), and again on a second run.
describeInteg("tooling/testenv/bin/create-bucket.js", () => {
  const bucket = `nbs-create-bucket-${randomBytes(4).toString("hex")}`;
  afterAll(async () => {
    const s3 = (await getS3TestEnv()).client();
    await s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
    s3.destroy();
  });

  it("creates the bucket, and a second run finds it there and succeeds", async () => {
    const s3env = await getS3TestEnv();
    const env: NodeJS.ProcessEnv = { ...process.env, ...s3env.processEnv() };
    delete env["NODE_EXTRA_CA_CERTS"];
    const script = join(repoRoot, "tooling", "testenv", "bin", "create-bucket.js");
    const first = await run("node", [script, bucket], { env });
    expect(first.stderr).toContain(`created ${bucket}`);
    const s3 = s3env.client();
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    s3.destroy();
    const second = await run("node", [script, bucket], { env });
    expect(second.stderr).toContain(`${bucket} exists already`);
  });
});
