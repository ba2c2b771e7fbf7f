// Runnable example: an internal tool that backs up one dump file the way nbs-upload does.
// It is an app, so it reads its configuration (argv, environment) and decides exit codes; the
// library does the work and never reads the environment, prints or exits.
//   source .nbs/services.env   (or any AWS credentials / region)
//   BACKUP_S3_BUCKET=backups node packages/s3-store/examples/backup-file.mjs <dump> [--dry-run]
import { backupFile, createS3Client } from "@nbs/s3-store";

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--"));
const bucket = process.env.BACKUP_S3_BUCKET;
if (!file || !bucket) {
  console.error("usage: BACKUP_S3_BUCKET=<bucket> backup-file.mjs <dump> [--dry-run]");
  process.exit(2);
}
const client = createS3Client({
  region: process.env.AWS_REGION ?? "us-east-1",
  endpoint: process.env.BACKUP_S3_ENDPOINT, // unset for AWS S3
  caBundle: process.env.AWS_CA_BUNDLE, // a private CA (the local MinIO's); unset for AWS S3
});
try {
  const result = await backupFile({
    client,
    file,
    bucket,
    prefix: process.env.BACKUP_S3_PREFIX ?? "",
    sse: process.env.BACKUP_SSE ?? "AES256", // "none" for stores without SSE
    createdBy: `backup-file-example@${process.env.HOSTNAME ?? "localhost"}`,
    tool: { name: "backup-file-example", version: "1.0.0" },
    dryRun: args.includes("--dry-run"),
    signal: AbortSignal.timeout(3_600_000),
    onEvent: (event, fields, level) => {
      if (level === "warn") console.error(`warning: ${event}: ${fields.message ?? ""}`);
    },
  });
  // outcome: "uploaded" | "skipped" (already committed) | "adopted" | "dry-run"
  console.log(JSON.stringify({ outcome: result.outcome, key: result.key, sha256: result.sha256 }));
} catch (error) {
  // NbsError: a stable `code` (KEY_CONFLICT, ACCESS_DENIED…) and its `category` (the exit class).
  console.error(`backup failed: ${error.code ?? "BUG"}: ${error.message}`);
  if (error.hint) console.error(`hint: ${error.hint}`);
  process.exitCode = error.category === "INTEGRITY" ? 5 : error.category === "STORAGE" ? 4 : 1;
} finally {
  client.destroy();
}
