import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { describeInteg, getS3TestEnv } from "@nbs/testenv";
import { expect, it } from "vitest";
import { createUserWithPolicy } from "./minio-admin.ts";

/**
 * AWS answers a GET or HEAD of a key that does not exist with 403, not 404, when the caller's
 * s3:ListBucket is limited by s3:prefix; nbs's pre-check takes that for "absent" (unit tests in
 * packages/s3-store/src/protocol/precheck.test.ts). This pins down that the local MinIO cannot
 * show it: it answers 404 to such a user, and even to one without any s3:ListBucket. So the 403
 * path is for the real-AWS smoke test in docs/neo4j/server.md. If MinIO ever answers 403 here,
 * turn this into an end-to-end proof of the pre-check.
 */
describeInteg("a missing key under a prefix-limited s3:ListBucket (real MinIO IAM)", () => {
  it.each([
    ["limited by s3:prefix", true],
    ["absent", false],
  ])("answers 404, not AWS's 403, when s3:ListBucket is %s", async (_what, listing) => {
    const s3 = await getS3TestEnv();
    const bucket = await s3.createBucket("nbs-missing-key");
    const statements: unknown[] = [
      {
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject"],
        Resource: [`arn:aws:s3:::${bucket}/nbs/*`],
      },
    ];
    if (listing) {
      statements.push({
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: [`arn:aws:s3:::${bucket}`],
        Condition: { StringLike: { "s3:prefix": ["nbs/*"] } },
      });
    }
    const user = await createUserWithPolicy(s3, `nbs-missing-key-${String(listing)}`, {
      Version: "2012-10-17",
      Statement: statements,
    });
    const key = "nbs/neo4j/neo4j-20261206T000000Z.dump";
    const status = (error: unknown) =>
      (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const head = await user.client
      .send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
      .then(() => 200, status);
    const get = await user.client
      .send(new GetObjectCommand({ Bucket: bucket, Key: `${key}.meta.json` }))
      .then(() => 200, status);
    // The policy does work: the same user may write under the prefix.
    await user.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "x" }));
    user.client.destroy();
    expect([head, get]).toEqual([404, 404]);
  });
});
