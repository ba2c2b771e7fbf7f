import type { S3Client } from "@aws-sdk/client-s3";
import type { S3StoreTestEnv } from "@nbs/testenv";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseBackupKey } from "@nbs/metadata";
import { createS3Client, type PayloadSigning } from "../src/index.js";

/** A client of the store under test, as nbs-upload builds one. */
export function storeClient(env: S3StoreTestEnv, payloadSigning?: PayloadSigning): S3Client {
  return createS3Client({
    endpoint: env.endpoint,
    region: env.region,
    credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey },
    ...(env.caBundle ? { caBundle: env.caBundle } : {}),
    ...(payloadSigning ? { payloadSigning } : {}),
  });
}

/** `neo4j-<ts>.dump` holding `bytes`, in a fresh temp directory. */
export function dumpFile(bytes: Buffer, ts: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "nbs-store-")), `neo4j-${ts}.dump`);
  writeFileSync(file, bytes);
  return file;
}

export const META = {
  db_name: "neo4j",
  created_at: new Date(),
  created_by: "integ",
  tool: { name: "s3-store-integ", version: "0" },
};

/** putBackup's key parts for `key` (`<prefix>/<db>/<db>-<ts>.dump`), with META's other fields. */
export function at(key: string) {
  const parts = parseBackupKey(key);
  if (!parts) throw new Error(`not a backup key: ${key}`);
  return {
    prefix: parts.prefix,
    meta: { ...META, db_name: parts.db, created_at: parts.createdAt },
  };
}
