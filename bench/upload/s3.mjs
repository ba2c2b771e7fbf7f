// Bucket chores for run.sh against the local MinIO (endpoint and AWS_* from .nbs/services.env):
//   node s3.mjs check-and-purge <bucket> <prefix> <size>
//     fail unless the largest object under <prefix>/ (sidecars aside) has exactly <size> bytes,
//     i.e. the tool stored the whole file; delete <prefix>/ either way
//   node s3.mjs purge-bucket <bucket>
//     delete everything in the bucket, then the bucket
// Deletes carry MinIO's `x-minio-force-delete`, which frees the bytes at once. A plain delete
// (or `mc rm`, `mc rb --force`) moves them to MinIO's .minio.sys/tmp/.trash, which MinIO only
// empties lazily (at once only when the drive is ~95 % full): gigabytes per run would pile up.
import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";

const [cmd, bucket, prefix, size] = process.argv.slice(2);
const client = new S3Client({
  endpoint: process.env.BACKUP_S3_ENDPOINT,
  forcePathStyle: true,
  region: process.env.AWS_REGION ?? "us-east-1",
});

async function* list(params) {
  let token;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ ...params, ContinuationToken: token }),
    );
    yield page;
    token = page.NextContinuationToken;
  } while (token);
}

/** DeleteObject with x-minio-force-delete: a key ending in "/" removes the whole prefix. */
async function forceDelete(key) {
  const command = new DeleteObjectCommand({ Bucket: bucket, Key: key });
  command.middlewareStack.add(
    (next) => (args) => {
      args.request.headers["x-minio-force-delete"] = "true";
      return next(args);
    },
    { step: "build", name: "minioForceDelete" },
  );
  await client.send(command);
}

if (cmd === "check-and-purge" && bucket && prefix && size) {
  let largest = 0;
  for await (const page of list({ Bucket: bucket, Prefix: `${prefix}/` })) {
    for (const o of page.Contents ?? []) {
      if (!o.Key.endsWith(".meta.json")) largest = Math.max(largest, o.Size ?? 0);
    }
  }
  await forceDelete(`${prefix}/`);
  if (largest !== Number(size)) {
    process.stderr.write(
      `bench: largest object under ${prefix}/ has ${largest} bytes, expected ${size}\n`,
    );
    process.exitCode = 1;
  }
} else if (cmd === "purge-bucket" && bucket) {
  for await (const page of list({ Bucket: bucket, Delimiter: "/" })) {
    for (const p of page.CommonPrefixes ?? []) await forceDelete(p.Prefix);
    for (const o of page.Contents ?? []) await forceDelete(o.Key);
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
} else {
  process.stderr.write(
    "usage: node s3.mjs check-and-purge <bucket> <prefix> <size> | purge-bucket <bucket>\n",
  );
  process.exitCode = 2;
}
client.destroy();
