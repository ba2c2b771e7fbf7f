import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { buildBackupMeta, serializeBackupMeta } from "@nbs/metadata";
import { putVerificationRecord, type VerificationRecord } from "@nbs/s3-store";
import { describeInteg, getS3TestEnv } from "@nbs/testenv";
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { verify } from "@nbs/testenv/run-cli";

// nbs-verify --record against the real MinIO: a verified backup gets <key>.verify/<time>-<mode>.json
// next to it (dump and sidecar untouched), a failed one gets nothing, a record is never
// overwritten, and `list` shows the last one. Checksum mode: no Neo4j needed.

let client: S3Client;
let bucket: string;
let env: Record<string, string>;
const PREFIX = "rec";

/** A committed backup written directly (dump + sidecar), as nbs-upload leaves it. */
async function backup(stamp: string): Promise<string> {
  const key = `${PREFIX}/neo4j/neo4j-${stamp}.dump`;
  const bytes = randomBytes(4096);
  const meta = buildBackupMeta({
    sha256: createHash("sha256").update(bytes).digest("hex"),
    size: bytes.length,
    db_name: "neo4j",
    created_at: new Date(),
    created_by: "records-integ",
    tool: { name: "records-integ", version: "0" },
  });
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: `${key}.meta.json`,
      Body: serializeBackupMeta(meta),
    }),
  );
  return key;
}

const recordsOf = async (key: string) =>
  (
    await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${key}.verify/` }))
  ).Contents?.map((o) => o.Key!) ?? [];
const etag = async (key: string) =>
  (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag;
const text = async (key: string) =>
  (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();

let good: string;
let bad: string;

beforeAll(async () => {
  const s3 = await getS3TestEnv();
  client = s3.client();
  bucket = await s3.createBucket("records");
  env = { ...s3.processEnv(), BACKUP_S3_BUCKET: bucket };
  good = await backup("20261201T000000Z");
  bad = await backup("20261202T000000Z");
  // other bytes of the same size: the sha256 no longer matches the sidecar
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: bad, Body: randomBytes(4096) }));
});

afterAll(() => client?.destroy());

describeInteg("nbs-verify --record against the real MinIO", () => {
  it("records a successful verification next to the backup, leaves dump and sidecar alone, and list shows it", async () => {
    const before = [await etag(good), await etag(`${good}.meta.json`)];
    const run = await verify(
      ["--s3-uri", `s3://${bucket}/${good}`, "--mode", "checksum", "--json"],
      { ...env, NBS_VERIFY_RECORD: "1" },
    );
    expect(run.code, run.stderr).toBe(0);
    const [recordKey, ...more] = await recordsOf(good);
    expect(more).toEqual([]);
    expect(recordKey).toMatch(new RegExp(`^${good}\\.verify/\\d{8}T\\d{9}Z-checksum\\.json$`));
    expect(JSON.parse(run.stdout)).toMatchObject({
      outcome: "verified",
      verification_record: recordKey,
    });
    const record = JSON.parse(await text(recordKey!)) as VerificationRecord;
    expect(record).toMatchObject({
      schemaVersion: 1,
      key: good,
      mode: "checksum",
      ok: true,
      sha256: (JSON.parse(await text(`${good}.meta.json`)) as { sha256: string }).sha256,
      checks: expect.arrayContaining(["sha256.sidecar"]),
    });
    expect([await etag(good), await etag(`${good}.meta.json`)]).toEqual(before);

    const listed = await verify(["list", "--prefix", PREFIX, "--json"], env);
    expect(listed.code, listed.stderr).toBe(0);
    const backups = (JSON.parse(listed.stdout) as { backups: Array<Record<string, unknown>> })
      .backups;
    expect(backups.find((b) => b["key"] === good)).toMatchObject({
      last_verification: {
        verified_at: record.verified_at,
        mode: "checksum",
        ok: true,
        key: recordKey,
      },
    });
    expect(backups.find((b) => b["key"] === bad)).not.toHaveProperty("last_verification");
    const table = await verify(["list", "--prefix", PREFIX, "--no-json"], env);
    expect(table.stdout).toContain(`${record.verified_at.replace(/\.\d{3}Z$/, "Z")} checksum ok`);
  });

  it("records nothing when the verification fails", async () => {
    const run = await verify(
      ["--s3-uri", `s3://${bucket}/${bad}`, "--mode", "checksum", "--record"],
      env,
    );
    expect(run.code, run.stderr).toBe(5);
    expect(await recordsOf(bad)).toEqual([]);
  });

  it("never overwrites a record: a second, different record at the same key is refused (If-None-Match: *)", async () => {
    const record: VerificationRecord = {
      schemaVersion: 1,
      key: good,
      sha256: "0".repeat(64),
      verified_at: "2026-12-03T00:00:00.000Z",
      mode: "load",
      ok: true,
      nbs_version: "0",
      checks: ["a"],
    };
    const { key } = await putVerificationRecord({ client, bucket, record });
    const first = await text(key);
    await expect(
      putVerificationRecord({ client, bucket, record: { ...record, checks: ["b"] } }),
    ).rejects.toMatchObject({ code: "KEY_CONFLICT" });
    expect(await text(key)).toBe(first);
  });
});
