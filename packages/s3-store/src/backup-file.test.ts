import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { tempDumpFile } from "@nbs/testenv/doubles";
import { beforeEach, describe, expect, it } from "vitest";
import { backupFile, type BackupFileOptions } from "./index.js";
import { notFound, s3, sha } from "../test/s3-mock.js";

beforeEach(() => s3.reset());

/** What a Neo4j 5 dump starts with: "DZV1" and a zstd frame. */
const DUMP = Buffer.concat([
  Buffer.from("DZV1"),
  Buffer.from([0x28, 0xb5, 0x2f, 0xfd]),
  Buffer.from("graph"),
]);

const dump = (bytes: Buffer = DUMP, name = "movies-20261124T101500Z.dump"): string =>
  tempDumpFile(bytes, name);

function options(file: string, extra: Partial<BackupFileOptions> = {}): BackupFileOptions {
  return {
    client: new S3Client({ region: "us-east-1" }),
    file,
    bucket: "nbs-test",
    prefix: "prod",
    createdBy: "t",
    now: () => new Date("2026-11-24T10:20:00Z"),
    ...extra,
  };
}

/** A store where the key is free: the object reads back as PUT, the sidecar as written. */
function emptyStore(onPut: (key: string) => void = () => {}) {
  const stored = new Map<string, Buffer>();
  s3.on(GetObjectCommand).rejects(notFound());
  s3.on(PutObjectCommand).callsFake((input: { Key: string; Body: Buffer }) => {
    onPut(input.Key);
    stored.set(input.Key, Buffer.from(input.Body));
    return { ETag: '"e1"', ServerSideEncryption: "AES256" };
  });
  s3.on(HeadObjectCommand).callsFake((input: { Key: string }) => {
    const bytes = stored.get(input.Key);
    if (!bytes) throw notFound();
    return {
      ContentLength: bytes.length,
      ETag: '"e1"',
      ServerSideEncryption: "AES256",
      ChecksumSHA256: sha(bytes).toString("base64"),
      Metadata: { "nbs-sha256": sha(bytes).toString("hex") },
    };
  });
  return stored;
}

describe("backupFile (SDK mocked)", () => {
  it("names the key after the dump's db and time under the prefix, commits, and prunes only after the commit", async () => {
    const file = dump();
    const localExistsAtPut: boolean[] = [];
    emptyStore(() => localExistsAtPut.push(existsSync(file)));
    const result = await backupFile(options(file, { pruneLocal: true }));
    expect(result).toMatchObject({
      outcome: "uploaded",
      key: "prod/movies/movies-20261124T101500Z.dump",
      sidecarKey: "prod/movies/movies-20261124T101500Z.dump.meta.json",
      sha256: sha(DUMP).toString("hex"),
      size: DUMP.length,
      sse: "AES256",
      parts: 1,
      pruned: true,
    });
    expect(result.meta).toMatchObject({
      db_name: "movies",
      created_by: "t",
      dump_format: "neo4j-5-dump",
    });
    // Both the object and the sidecar went out while the local dump was still there.
    expect(localExistsAtPut).toEqual([true, true]);
    expect(existsSync(file)).toBe(false);
  });

  it("keeps the local dump when the commit fails", async () => {
    const file = dump();
    emptyStore();
    s3.on(HeadObjectCommand, {
      Key: "prod/movies/movies-20261124T101500Z.dump.meta.json",
    }).resolves({
      ContentLength: 1,
    });
    await expect(backupFile(options(file, { pruneLocal: true }))).rejects.toMatchObject({
      code: "NOT_COMMITTED",
    });
    expect(existsSync(file)).toBe(true);
  });

  it("compresses into a temp copy, uploads that under .dump.gz and records the original", async () => {
    const file = dump();
    const stored = emptyStore();
    const result = await backupFile(
      options(file, { compress: "gzip", tempDir: mkdtempSync(join(tmpdir(), "nbs-tmp-")) }),
    );
    expect(result.key).toBe("prod/movies/movies-20261124T101500Z.dump.gz");
    expect(gunzipSync(stored.get(result.key)!)).toEqual(DUMP);
    expect(result.meta.compression).toEqual({
      algorithm: "gzip",
      original_size: DUMP.length,
      original_sha256: sha(DUMP).toString("hex"),
    });
  });

  it("plans a dry run without a client and without sending anything", async () => {
    const file = dump();
    const result = await backupFile(
      options(file, { client: undefined, dryRun: true, pruneLocal: true }),
    );
    expect(result).toMatchObject({
      outcome: "dry-run",
      key: "prod/movies/movies-20261124T101500Z.dump",
      sha256: sha(DUMP).toString("hex"),
      pruned: false,
    });
    expect(s3.calls()).toHaveLength(0);
    expect(existsSync(file)).toBe(true);
  });

  it("refuses, before any request, a file that is not a dump unless allowAnyFile, and a dump its local sidecar does not describe", async () => {
    await expect(backupFile(options(dump(Buffer.from("hello"))))).rejects.toMatchObject({
      code: "NOT_A_DUMP",
    });
    const file = dump();
    writeFileSync(
      `${file}.meta.json`,
      JSON.stringify({
        schemaVersion: 1,
        sha256: "0".repeat(64),
        size: DUMP.length,
        db_name: "movies",
        created_at: "2026-11-24T10:15:00Z",
        created_by: "backup.sh",
        tool: { name: "backup.sh", version: "1" },
      }),
    );
    await expect(backupFile(options(file, { compress: "gzip" }))).rejects.toMatchObject({
      code: "LOCAL_CHECKSUM_MISMATCH",
    });
    await expect(backupFile(options(file, { dryRun: true }))).rejects.toMatchObject({
      code: "LOCAL_CHECKSUM_MISMATCH",
    });
    expect(s3.calls()).toHaveLength(0);
  });

  it("needs a client to upload, and a KMS key only with aws:kms", async () => {
    await expect(backupFile(options(dump(), { client: undefined }))).rejects.toMatchObject({
      code: "S3_CLIENT_MISSING",
    });
    await expect(
      backupFile(options(dump(), { sse: "AES256", kmsKeyId: "alias/x" })),
    ).rejects.toMatchObject({ code: "SSE_MODE_INVALID" });
    expect(s3.calls()).toHaveLength(0);
  });
});
