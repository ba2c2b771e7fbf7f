import { createHash } from "node:crypto";
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { backupKey, buildBackupMeta, serializeBackupMeta, sidecarKey } from "@nbs/metadata";
import { putVerificationRecord } from "@nbs/s3-store";

/** One generated backup: small dump, real sidecar, optionally a verification record. */
export interface SeedBackup {
  db: string;
  createdAt: Date;
  verified?: boolean;
  /** The sidecar records another size than the object's. */
  broken?: boolean;
  /** A dump without a sidecar. */
  uncommitted?: boolean;
  /** The sidecar carries a `shrink` record (issue 22). */
  shrink?: boolean;
}

export const keyOf = (prefix: string, b: Pick<SeedBackup, "db" | "createdAt">) =>
  backupKey({ prefix, db: b.db, createdAt: b.createdAt, compression: "none" });

/**
 * Write the backups oldest first (the server's LastModified then follows the dump times' order,
 * as in a real bucket): dump, sidecar, record. Returns the dump keys in that order.
 */
export async function seed(
  client: S3Client,
  bucket: string,
  prefix: string,
  backups: readonly SeedBackup[],
): Promise<string[]> {
  const keys: string[] = [];
  const previous = new Map<string, string>(); // db -> its last committed key so far
  for (const b of [...backups].sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime())) {
    const key = keyOf(prefix, b);
    const body = Buffer.from(`dump ${key}`);
    const sha256 = createHash("sha256").update(body).digest("hex");
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    keys.push(key);
    if (b.uncommitted) continue;
    const meta = buildBackupMeta({
      sha256,
      size: body.byteLength + (b.broken ? 1 : 0),
      db_name: b.db,
      created_at: b.createdAt,
      created_by: "prune-integ",
      tool: { name: "nbs-upload", version: "0.0.0-test" },
    });
    const from_key = previous.get(b.db);
    previous.set(b.db, key);
    const text = serializeBackupMeta(
      b.shrink && from_key
        ? {
            ...meta,
            shrink: {
              from_key,
              from: { nodes: 10, relationships: 10, size: 100 },
              to: { nodes: 1, relationships: 1, size: 10 },
              ratio: 0.1,
            },
          }
        : meta,
    );
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: sidecarKey(key), Body: text }));
    if (b.verified)
      await putVerificationRecord({
        client,
        bucket,
        record: {
          schemaVersion: 1,
          key,
          sha256,
          verified_at: new Date(b.createdAt.getTime() + 3_600_000).toISOString(),
          mode: "checksum",
          ok: true,
          nbs_version: "0.0.0-test",
          checks: ["sha256"],
        },
      });
  }
  return keys;
}

/** Every key in the bucket, sorted. */
export async function allKeys(client: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const out = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, ...(token ? { ContinuationToken: token } : {}) }),
    );
    keys.push(...(out.Contents ?? []).map((o) => o.Key ?? ""));
    token = out.NextContinuationToken;
  } while (token);
  return keys.sort();
}
