import {
  backupKey,
  buildBackupMeta,
  parseBackupKey,
  serializeBackupMeta,
  sidecarKey,
  validateBackupMeta,
} from "@nbs/metadata";

const createdAt = new Date("2026-11-24T10:15:00Z");
const key = backupKey({ prefix: "prod", db: "neo4j", createdAt, compression: "none" });
console.log(key);
console.log(sidecarKey(key));
console.log(parseBackupKey(key)?.db);

const meta = buildBackupMeta({
  sha256: "a".repeat(64),
  size: 1024,
  db_name: "neo4j",
  created_at: createdAt,
  created_by: "alice",
  tool: { name: "nbs-upload", version: "0.1.0" },
});
const text = serializeBackupMeta(meta); // what goes into <key>.meta.json

const good = validateBackupMeta(JSON.parse(text));
console.log(good.ok);
const bad = validateBackupMeta({ ...meta, sha256: "not-a-hash" });
console.log(bad.ok, bad.ok ? [] : bad.errors);
