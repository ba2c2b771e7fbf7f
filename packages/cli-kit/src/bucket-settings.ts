import { NbsError } from "@nbs/errors";
import { isValidBucketName, isValidDbName } from "@nbs/metadata";
import { parseString } from "./config.js";
import { setting } from "./common-settings.js";

/** The bucket and the key prefix (one per environment) a command works under. */
export function bucketSettings(describe: { bucket: string; prefix: string }) {
  return {
    bucket: setting(["BACKUP_S3_BUCKET"], "string", describe.bucket, undefined, parseString),
    prefix: setting(["BACKUP_S3_PREFIX"], "string", describe.prefix, "", parseString),
  };
}

/** The bucket a command reads; missing or malformed is a usage error naming the fix. */
export function requireBucket(bucket: string | undefined): string {
  if (bucket === undefined || bucket === "")
    throw new NbsError("BUCKET_REQUIRED", "missing --bucket", {
      hint: "pass --bucket or set BACKUP_S3_BUCKET",
    });
  if (!isValidBucketName(bucket))
    throw new NbsError("BUCKET_NAME_INVALID", `invalid bucket name ${JSON.stringify(bucket)}`, {
      hint: "S3 bucket names are 3-63 lowercase letters, digits, '.' and '-'",
    });
  return bucket;
}

/** A --db (or --as-db) given must be a Neo4j database name. */
export function checkDb(db: string | undefined): string | undefined {
  if (db !== undefined && !isValidDbName(db))
    throw new NbsError("DB_NAME_INVALID", `invalid database name ${JSON.stringify(db)}`, {
      hint: "use letters, digits, '.', '_' or '-'",
    });
  return db;
}
