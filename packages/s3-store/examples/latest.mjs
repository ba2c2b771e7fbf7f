// Runnable example: list committed backups and show the newest one.
//   source .nbs/services.env   (or any AWS credentials / region)
//   node packages/s3-store/examples/latest.mjs <bucket> [prefix] [db]
import { createS3Client, latestBackup, listBackups } from "@nbs/s3-store";

const [bucket, prefix = "", db] = process.argv.slice(2);
if (!bucket) {
  console.error("usage: latest.mjs <bucket> [prefix] [db]");
  process.exit(2);
}
const client = createS3Client({
  region: process.env.AWS_REGION ?? "us-east-1",
  endpoint: process.env.BACKUP_S3_ENDPOINT, // unset for AWS S3
  caBundle: process.env.AWS_CA_BUNDLE, // a private CA (the local MinIO's); unset for AWS S3
});
try {
  const all = await listBackups({ client, bucket, prefix, db });
  console.log(`${all.length} committed backup(s)`);
  for (const b of all.slice(0, 5))
    console.log(`  ${b.createdAt.toISOString()}  ${b.size} B  ${b.key}`);
  const { backup, broken, uncommitted } = await latestBackup({ client, bucket, prefix, db });
  for (const b of broken) console.log(`broken (newer): ${b.key}: ${b.reason}`);
  for (const key of uncommitted) console.log(`uncommitted (newer): ${key}`);
  if (backup) console.log(`latest valid: ${backup.key} sha256=${backup.meta.sha256}`);
} finally {
  client.destroy();
}
