import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { createS3Client } from "@nbs/s3-store";
import { describeInteg, getVersitygwTestEnv, type S3StoreTestEnv } from "@nbs/testenv";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { script } from "@nbs/testenv/run-cli";

// versitygw (posix) is a second, independent S3 implementation. It accepts SSE headers and
// silently does not encrypt, so nbs must refuse to commit there unless told `--sse none`.
let vgw: S3StoreTestEnv;
let client: S3Client;
let bucket: string;
let env: Record<string, string>;

beforeAll(async () => {
  vgw = await getVersitygwTestEnv();
  client = createS3Client({
    endpoint: vgw.endpoint,
    region: vgw.region,
    credentials: { accessKeyId: vgw.accessKeyId, secretAccessKey: vgw.secretAccessKey },
    ...(vgw.caBundle ? { caBundle: vgw.caBundle } : {}),
  });
  bucket = await vgw.createBucket("vgw-e2e");
  env = { ...vgw.processEnv(), BACKUP_S3_BUCKET: bucket };
});
afterAll(() => client?.destroy());

function dump(name: string, size: number): string {
  const path = join(mkdtempSync(join(tmpdir(), "nbs-vgw-")), name);
  writeFileSync(path, randomBytes(size));
  return path;
}
const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const keys = async (prefix: string) =>
  ((await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? [])
    .map((o) => o.Key)
    .sort();
const upload = (file: string, prefix: string, ...extra: string[]) =>
  script(
    "upload_backup_to_s3.sh",
    [
      "--file",
      file,
      "--prefix",
      prefix,
      "--allow-any-file",
      "--part-size",
      "5MiB",
      "--json",
      ...extra,
    ],
    env,
  );
const outcome = (stdout: string) => (JSON.parse(stdout) as { outcome: string }).outcome;

describeInteg("nbs on versitygw (a store that ignores SSE)", () => {
  it.each([
    ["one PUT", 1024 * 1024],
    ["multipart", 12 * 1024 * 1024],
  ])(
    "%s: stops at the first write that does not confirm SSE (exit 2, hint --sse none), leaves nothing, and --sse none then commits",
    async (_what, size) => {
      const prefix = `sse-${size}`;
      const file = dump("neo4j-20261124T101500Z.dump", size);
      const refused = await upload(file, prefix);
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stdout).toContain("did not apply the requested server-side encryption");
      expect(refused.stdout).toContain("--sse none");
      // nothing left to block the re-run: no object, no sidecar (multipart: aborted)
      expect(await keys(`${prefix}/`)).toEqual([]);
      const sent = refused.events.filter((e) => e["event"] === "upload.progress");
      expect(sent.length).toBeLessThanOrEqual(1);

      const plain = await upload(file, prefix, "--sse", "none");
      expect(plain.code, plain.stderr).toBe(0);
      expect(outcome(plain.stdout)).toBe("uploaded");
      expect(plain.events.some((e) => e["event"] === "upload.sse.none")).toBe(true);
      const key = `${prefix}/neo4j/neo4j-20261124T101500Z.dump`;
      expect(await keys(`${prefix}/`)).toEqual([key, `${key}.meta.json`]);
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      expect(head.ContentLength).toBe(size);
    },
  );

  it("skips an identical re-run, refuses different content with exit 5, and verifies by key and --latest", async () => {
    const prefix = "e2e";
    const file = dump("graph-20261124T101500Z.dump", 12 * 1024 * 1024);
    const first = await upload(file, prefix, "--sse", "none");
    expect(first.code, first.stderr).toBe(0);
    const again = await upload(file, prefix, "--sse", "none");
    expect(again.code, again.stderr).toBe(0);
    expect(outcome(again.stdout)).toBe("skipped");

    const rival = dump("graph-20261124T101500Z.dump", 64 * 1024);
    const conflict = await upload(rival, prefix, "--sse", "none");
    expect(conflict.code, conflict.stderr).toBe(5);

    const key = `${prefix}/graph/graph-20261124T101500Z.dump`;
    const byKey = await script(
      "verify_restore.sh",
      ["--s3-uri", `s3://${bucket}/${key}`, "--mode", "checksum", "--json"],
      env,
    );
    expect(byKey.code, byKey.stderr).toBe(0);
    expect(JSON.parse(byKey.stdout)).toMatchObject({
      outcome: "verified",
      sha256: { expected: sha256(file), actual: sha256(file) },
    });
    const latest = await script(
      "verify_restore.sh",
      ["--latest", "--prefix", prefix, "--db", "graph", "--mode", "checksum", "--json"],
      env,
    );
    expect(latest.code, latest.stderr).toBe(0);
    expect(JSON.parse(latest.stdout)).toMatchObject({ outcome: "verified", source: { key } });
  });
});
