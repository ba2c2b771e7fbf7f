#!/usr/bin/env node
// Creates a bucket on the S3 endpoint of .nbs/services.env (BACKUP_S3_ENDPOINT, AWS_* credentials,
// AWS_CA_BUNDLE for the local MinIO's private CA) unless it exists already: what `dev.sh demo`
// needs, without building the mc client for one `mc mb --ignore-existing`.
//   usage: node tooling/testenv/bin/create-bucket.js <bucket>
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { readFileSync } from "node:fs";
import { Agent } from "node:https";
import { createSecureContext, rootCertificates } from "node:tls";

const [bucket] = process.argv.slice(2);
const { BACKUP_S3_ENDPOINT: endpoint, AWS_CA_BUNDLE: caBundle, AWS_REGION: region } = process.env;
if (!bucket || !endpoint) {
  process.stderr.write(
    "create-bucket: usage: create-bucket.js <bucket>, with BACKUP_S3_ENDPOINT set (source .nbs/services.env)\n",
  );
  process.exit(2);
}

const ca = caBundle ? readFileSync(caBundle, "utf8") : undefined;
const s3 = new S3Client({
  endpoint,
  region: region || "us-east-1",
  forcePathStyle: true,
  ...(ca && {
    requestHandler: new NodeHttpHandler({
      httpsAgent: new Agent({
        secureContext: createSecureContext({ ca: [...rootCertificates, ca] }),
      }),
    }),
  }),
});
try {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  process.stderr.write(`create-bucket: created ${bucket}\n`);
} catch (err) {
  if (err?.name !== "BucketAlreadyOwnedByYou") {
    process.stderr.write(
      `create-bucket: could not create ${bucket}: ${err?.name}: ${err?.message}\n`,
    );
    process.exit(1);
  }
  process.stderr.write(`create-bucket: ${bucket} exists already\n`);
} finally {
  s3.destroy();
}
