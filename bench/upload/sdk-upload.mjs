// The baseline the issue asks for: @aws-sdk/lib-storage `Upload` with its defaults
// (partSize 5 MiB, queueSize 4, the client's default request checksums) reading a file stream.
// Only what MinIO needs is set on the client: endpoint, path-style, region. Credentials come
// from the SDK's default chain (AWS_* in the environment). Usage:
//   node sdk-upload.mjs <file> <bucket> <key> [--sse | --sse-kms <key id>]
import { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { createReadStream } from "node:fs";

const [file, bucket, key, ...rest] = process.argv.slice(2);
if (!file || !bucket || !key) {
  process.stderr.write(
    "usage: node sdk-upload.mjs <file> <bucket> <key> [--sse | --sse-kms <key id>]\n",
  );
  process.exit(2);
}
const client = new S3Client({
  endpoint: process.env.BACKUP_S3_ENDPOINT,
  forcePathStyle: true,
  region: process.env.AWS_REGION ?? "us-east-1",
});
const upload = new Upload({
  client,
  params: {
    Bucket: bucket,
    Key: key,
    Body: createReadStream(file),
    ...(rest.includes("--sse") ? { ServerSideEncryption: "AES256" } : {}),
    ...(rest.includes("--sse-kms")
      ? { ServerSideEncryption: "aws:kms", SSEKMSKeyId: rest[rest.indexOf("--sse-kms") + 1] }
      : {}),
  },
});
const out = await upload.done();
client.destroy();
process.stdout.write(`${JSON.stringify({ key: out.Key, etag: out.ETag })}\n`);
