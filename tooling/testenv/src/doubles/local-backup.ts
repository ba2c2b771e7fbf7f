import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./temp-dir.ts";

/** Bytes that pass for a neo4j-admin dump: the DZV1 header, a zstd frame magic, 4 KiB. */
export const DUMP = Buffer.concat([
  Buffer.from("DZV1"),
  Buffer.from([0x28, 0xb5, 0x2f, 0xfd]),
  Buffer.alloc(4096, 7),
]);

export const sha256 = (bytes: Buffer | string): string =>
  createHash("sha256").update(bytes).digest("hex");

/** A `.meta.json` sidecar (schema 1) for `bytes`: database neo4j, 5 nodes, 4 relationships. */
export const backupMeta = (bytes: Buffer, extra: Record<string, unknown> = {}) => ({
  schemaVersion: 1,
  sha256: sha256(bytes),
  size: bytes.length,
  db_name: "neo4j",
  created_at: "2026-11-24T10:15:00Z",
  created_by: "backup.sh@db1",
  tool: { name: "nbs-upload", version: "0.1.0" },
  stats: { nodes: 5, relationships: 4 },
  ...extra,
});

/** A file in a fresh temp directory (removed after the test); `name` a dump's by default. */
export function tempDumpFile(
  content: Buffer | string = "not a dump",
  name = "neo4j-20261124T101500Z.dump",
): string {
  const file = join(tempDir("nbs-dump-"), name);
  writeFileSync(file, content);
  return file;
}

export interface LocalBackupOptions {
  /** The dump's bytes (DUMP by default). */
  bytes?: Buffer;
  /** What the sidecar describes (the dump itself by default); null: no sidecar. */
  described?: Buffer | null;
  /** Sidecar fields over backupMeta's. */
  meta?: Record<string, unknown>;
}

/** A local backup as backup.sh leaves one: `<db>-<stamp>.dump` and its `.meta.json`. */
export function localBackup(options: LocalBackupOptions = {}): string {
  const { bytes = DUMP, described = bytes, meta = {} } = options;
  const file = tempDumpFile(bytes);
  if (described) writeFileSync(`${file}.meta.json`, JSON.stringify(backupMeta(described, meta)));
  return file;
}
