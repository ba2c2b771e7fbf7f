import {
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { describeInteg, getS3TestEnv, type S3TestEnv } from "@nbs/testenv";
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { upload as runCli } from "@nbs/testenv/run-cli";

let s3: S3TestEnv;
let client: S3Client;
let bucket: string;
let env: Record<string, string>;

beforeAll(async () => {
  s3 = await getS3TestEnv();
  client = s3.client();
  bucket = await s3.createBucket("upload");
  env = { ...s3.processEnv(), BACKUP_S3_BUCKET: bucket };
});

const dir = () => mkdtempSync(join(tmpdir(), "nbs-upload-integ-"));
function dumpFile(name: string, bytes: Buffer): string {
  const d = dir();
  const path = join(d, name);
  writeFileSync(path, bytes);
  return path;
}
const sha256sum = (path: string) =>
  execFileSync("sha256sum", [path], { encoding: "utf8" }).split(" ")[0]!;
async function getText(key: string): Promise<string> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return out.Body!.transformToString();
}
async function getSha(key: string): Promise<string> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return createHash("sha256")
    .update(await out.Body!.transformToByteArray())
    .digest("hex");
}
async function exists(key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

describeInteg("nbs-upload against the real MinIO", () => {
  it("uploads a small file under the bucket's default SSE-S3, commits a sidecar whose sha256 matches sha256sum, and skips a re-run", async () => {
    const file = dumpFile("neo4j-20261124T101500Z.dump", randomBytes(300_000));
    const run = await runCli(
      ["--file", file, "--prefix", "small", "--allow-any-file", "--json"],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { outcome: string; key: string; sidecar_key: string };
    expect(result).toMatchObject({
      outcome: "uploaded",
      key: "small/neo4j/neo4j-20261124T101500Z.dump",
    });
    const meta = JSON.parse(await getText(result.sidecar_key)) as {
      sha256: string;
      size: number;
      storage: { sse: string };
    };
    expect(meta.sha256).toBe(sha256sum(file));
    expect(await getSha(result.key)).toBe(sha256sum(file));
    expect(meta.storage.sse).toBe("AES256");
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: result.key }));
    expect(head.ServerSideEncryption).toBe("AES256");

    const again = await runCli(
      ["--file", file, "--prefix", "small", "--allow-any-file", "--json"],
      env,
    );
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: "skipped" });
  });

  it("uploads a > 64 MiB file in parts with SSE-KMS and records the parts", async () => {
    const file = dumpFile("graph-20261124T101500Z.dump", randomBytes(70 * 1024 * 1024));
    const run = await runCli(
      [
        "--file",
        file,
        "--prefix",
        "big",
        "--allow-any-file",
        "--kms-key",
        s3.kmsKeyId,
        "--part-size",
        "8MiB",
        "--json",
      ],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { key: string; sidecar_key: string; parts: number };
    expect(result.parts).toBe(9);
    const meta = JSON.parse(await getText(result.sidecar_key)) as {
      sha256: string;
      storage: { sse: string; parts: number; kms_key_id: string };
    };
    expect(meta.sha256).toBe(sha256sum(file));
    expect(await getSha(result.key)).toBe(meta.sha256);
    expect(meta.storage).toMatchObject({ sse: "aws:kms", parts: 9 });
    const head = await client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: result.key, ChecksumMode: "ENABLED" }),
    );
    expect(head.ServerSideEncryption).toBe("aws:kms");
    expect(head.SSEKMSKeyId).toContain(s3.kmsKeyId);
    expect(head.ChecksumSHA256).toMatch(/^[A-Za-z0-9+/]{43}=-9$/); // every part carried its SHA-256
    const sidecarHead = await client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: result.sidecar_key }),
    );
    expect(sidecarHead.ServerSideEncryption).toBe("aws:kms");
  });

  it("uploads parts without checksum headers (signed instead) with --part-checksum none", async () => {
    const file = dumpFile("plain-20261124T101500Z.dump", randomBytes(11 * 1024 * 1024));
    const run = await runCli(
      ["--file", file, "--prefix", "nocrc", "--allow-any-file", "--part-size", "5MiB", "--json"],
      { ...env, NBS_PART_CHECKSUM: "none" },
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { key: string; parts: number; sha256: string };
    expect(result.parts).toBe(3);
    expect(await getSha(result.key)).toBe(sha256sum(file));
    const head = await client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: result.key, ChecksumMode: "ENABLED" }),
    );
    expect(head.ChecksumCRC32).toBeUndefined();
    expect(head.ChecksumSHA256).toBeUndefined();
    expect(run.stderr).not.toContain("verify.no_part_checksums");
  });

  it("refuses a different file for an existing key with exit 5 and leaves the original intact", async () => {
    const first = dumpFile("neo4j-20261124T111111Z.dump", randomBytes(1000));
    expect(
      (await runCli(["--file", first, "--prefix", "conflict", "--allow-any-file"], env)).code,
    ).toBe(0);
    const key = "conflict/neo4j/neo4j-20261124T111111Z.dump";
    const before = await getSha(key);
    const second = dumpFile("neo4j-20261124T111111Z.dump", randomBytes(1000));
    const run = await runCli(
      ["--file", second, "--prefix", "conflict", "--allow-any-file", "--json"],
      env,
    );
    expect(run.code).toBe(5);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: { code: "KEY_CONFLICT" } });
    expect(await getSha(key)).toBe(before);
    expect(JSON.parse(await getText(`${key}.meta.json`))).toMatchObject({
      sha256: sha256sum(first),
    });
  });

  it("fails with exit 4 on wrong credentials and never prints the secret", async () => {
    const secret = `wrong-${randomBytes(12).toString("hex")}`;
    const file = dumpFile("neo4j-20261124T101500Z.dump", randomBytes(100));
    const run = await runCli(["--file", file, "--allow-any-file", "--json", "--verbose"], {
      ...env,
      AWS_SECRET_ACCESS_KEY: secret,
    });
    expect(run.code).toBe(4);
    expect(run.stdout + run.stderr).not.toContain(secret);
    expect(run.stdout + run.stderr).not.toContain(s3.secretAccessKey);
    expect(JSON.parse(run.stdout)).toMatchObject({
      error: {
        code: "CREDENTIALS_REJECTED",
        message: expect.stringContaining("secret key does not match"),
      },
    });
  });

  it("trusts a private CA only through --ca-bundle / AWS_CA_BUNDLE, and says so when it is missing", async () => {
    if (!s3.caBundle)
      throw new Error("the local MinIO serves https with a private CA (pnpm services up)");
    const file = dumpFile("neo4j-20261124T101600Z.dump", randomBytes(100));
    const untrusting = Object.fromEntries(
      Object.entries(env).filter(
        ([name]) => !["AWS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"].includes(name),
      ),
    );
    const untrusted = await runCli(["--file", file, "--allow-any-file", "--json"], untrusting);
    expect(untrusted.code).toBe(4);
    expect(JSON.parse(untrusted.stdout)).toMatchObject({
      error: {
        message: expect.stringContaining("not trusted"),
        hint: expect.stringContaining("--ca-bundle"),
      },
    });
    const missing = await runCli(
      ["--file", file, "--allow-any-file", "--json", "--ca-bundle", "/nonexistent/ca.pem"],
      untrusting,
    );
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout)).toMatchObject({
      error: { message: expect.stringContaining("/nonexistent/ca.pem") },
    });
    const trusted = await runCli(
      ["--file", file, "--allow-any-file", "--json", "--ca-bundle", s3.caBundle],
      untrusting,
    );
    expect(trusted.code).toBe(0);
    const fromEnv = await runCli(["--file", file, "--allow-any-file", "--json"], {
      ...untrusting,
      AWS_CA_BUNDLE: s3.caBundle,
    });
    expect(fromEnv.code).toBe(0);
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({ outcome: "skipped" });
  });

  it("fails with exit 4 naming a missing bucket, and keeps the local file despite --prune-local", async () => {
    const file = dumpFile("neo4j-20261124T101500Z.dump", randomBytes(100));
    const run = await runCli(
      [
        "--file",
        file,
        "--bucket",
        "nbs-no-such-bucket",
        "--allow-any-file",
        "--prune-local",
        "--json",
      ],
      env,
    );
    expect(run.code).toBe(4);
    expect(JSON.parse(run.stdout)).toMatchObject({
      error: { message: expect.stringContaining("bucket nbs-no-such-bucket does not exist") },
    });
    expect(existsSync(file)).toBe(true);
  });

  it("rejects a missing, empty, non-regular or non-dump file with exit 3 before any network call", async () => {
    const d = dir();
    const empty = join(d, "neo4j-20261124T101500Z.dump");
    writeFileSync(empty, "");
    const notDump = join(d, "other-20261124T101500Z.dump");
    writeFileSync(notDump, "hello, not a dump");
    const aDir = join(d, "dir.dump");
    mkdirSync(aDir);
    const offline = { ...env, BACKUP_S3_ENDPOINT: "http://127.0.0.1:1" };
    for (const [file, code] of [
      [join(d, "missing.dump"), "FILE_NOT_FOUND"],
      [empty, "FILE_EMPTY"],
      [aDir, "NOT_A_FILE"],
      [notDump, "NOT_A_DUMP"],
    ] as const) {
      const run = await runCli(["--file", file, "--json"], offline);
      expect(run.code, file).toBe(3);
      expect(JSON.parse(run.stdout)).toMatchObject({ error: { code, category: "INPUT" } });
    }
  });

  it("refuses a file over S3's 5 TiB object limit as an input error (exit 3), before reading or sending it", async () => {
    const huge = join(dir(), "neo4j-20261124T101500Z.dump");
    writeFileSync(huge, "");
    truncateSync(huge, 5 * 1024 ** 4 + 1); // sparse: no disk used
    const offline = { ...env, BACKUP_S3_ENDPOINT: "http://127.0.0.1:1" };
    const run = await runCli(["--file", huge, "--allow-any-file", "--json"], offline);
    expect(run.code, run.stderr).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({
      error: {
        code: "FILE_TOO_LARGE",
        message: expect.stringContaining("over S3's 5 TiB object limit"),
      },
    });
    rmSync(huge);
  });

  it("removes the local dump with --prune-local only after the commit", async () => {
    const file = dumpFile("neo4j-20261124T121212Z.dump", randomBytes(5000));
    const run = await runCli(
      ["--file", file, "--prefix", "prune", "--allow-any-file", "--prune-local", "--json"],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: "uploaded", pruned: true });
    expect(existsSync(file)).toBe(false);
    expect(await exists("prune/neo4j/neo4j-20261124T121212Z.dump.meta.json")).toBe(true);
  });

  it("prints a plan in --dry-run without credentials and writes nothing", async () => {
    const file = dumpFile("neo4j-20261124T131313Z.dump", randomBytes(5000));
    const run = await runCli(
      ["--file", file, "--prefix", "dry", "--allow-any-file", "--dry-run", "--json"],
      { BACKUP_S3_BUCKET: bucket },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      outcome: "dry-run",
      key: "dry/neo4j/neo4j-20261124T131313Z.dump",
      sha256: sha256sum(file),
      sse: "bucket",
      meta: { sha256: sha256sum(file) },
    });
    expect(await exists("dry/neo4j/neo4j-20261124T131313Z.dump")).toBe(false);
  });

  it("refuses with exit 5 a dump that changed after its local sidecar was written", async () => {
    const file = dumpFile("neo4j-20261124T141414Z.dump", randomBytes(2000));
    writeFileSync(
      `${file}.meta.json`,
      JSON.stringify({
        schemaVersion: 1,
        sha256: "0".repeat(64),
        size: 2000,
        db_name: "neo4j",
        created_at: "2026-11-24T14:14:14Z",
        created_by: "backup.sh",
        tool: { name: "nbs-upload dump", version: "0.1.0" },
      }),
    );
    const run = await runCli(
      ["--file", file, "--prefix", "changed", "--allow-any-file", "--json"],
      env,
    );
    expect(run.code).toBe(5);
    expect(await exists("changed/neo4j/neo4j-20261124T141414Z.dump.meta.json")).toBe(false);
  });

  it("leaves no sidecar when killed mid-upload, and a re-run completes", async () => {
    const file = dumpFile("neo4j-20261124T151515Z.dump", randomBytes(120 * 1024 * 1024));
    const args = [
      "--file",
      file,
      "--prefix",
      "killed",
      "--allow-any-file",
      "--part-size",
      "5MiB",
      "--concurrency",
      "1",
      "--json",
    ];
    const killed = await runCli(args, env, {
      onStderr: (chunk, child) => {
        if (chunk.includes('"upload.progress"')) child.kill("SIGKILL");
      },
    });
    expect(killed.signal).toBe("SIGKILL");
    expect(await exists("killed/neo4j/neo4j-20261124T151515Z.dump.meta.json")).toBe(false);
    const rerun = await runCli(args, env);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({
      outcome: expect.stringMatching(/uploaded|adopted/),
    });
    expect(
      JSON.parse(await getText("killed/neo4j/neo4j-20261124T151515Z.dump.meta.json")),
    ).toMatchObject({ sha256: sha256sum(file) });
  });

  it("resumes after SIGKILL at ~60%: the re-run sends at most 45% of the bytes and commits the file's sha256", async () => {
    const size = 100 * 1024 * 1024;
    const file = dumpFile("neo4j-20261124T152525Z.dump", randomBytes(size));
    const key = "resume/neo4j/neo4j-20261124T152525Z.dump";
    const args = [
      "--file",
      file,
      "--prefix",
      "resume",
      "--allow-any-file",
      "--part-size",
      "5MiB",
      "--concurrency",
      "1",
      "--json",
    ];
    const killed = await runCli(args, env, {
      onStderr: (chunk, child) => {
        const at = /"event":"upload.progress".*?"percent":(\d+)/.exec(chunk);
        if (at && Number(at[1]) >= 60) child.kill("SIGKILL");
      },
    });
    expect(killed.signal).toBe("SIGKILL");
    expect(await exists(`${key}.meta.json`)).toBe(false);
    const rerun = await runCli(args, { ...env, NBS_RESUME_IDLE: "0" });
    expect(rerun.code, rerun.stderr).toBe(0);
    const result = JSON.parse(rerun.stdout) as { bytes_sent: number; bytes_reused: number };
    expect(result.bytes_sent + result.bytes_reused).toBe(size);
    expect(result.bytes_sent).toBeLessThanOrEqual(0.45 * size);
    const events = rerun.events.filter((e) => e["event"] === "upload.progress");
    expect(Math.max(...events.map((e) => e["bytes_sent"] as number))).toBe(result.bytes_sent);
    expect(JSON.parse(await getText(`${key}.meta.json`))).toMatchObject({
      sha256: sha256sum(file),
    });
    expect(await getSha(key)).toBe(sha256sum(file));
    const open = await client.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }),
    );
    expect(open.Uploads ?? []).toHaveLength(0);
  });

  it("never overwrites a sidecar written by someone else after its pre-check (If-None-Match on the commit)", async () => {
    const key = "race/neo4j/neo4j-20261124T161616Z.dump";
    const foreign = JSON.stringify({
      schemaVersion: 1,
      sha256: "0".repeat(64),
      size: 1,
      db_name: "neo4j",
      created_at: "2026-11-24T16:16:16Z",
      created_by: "another-writer",
      tool: { name: "nbs-upload", version: "0.0.0" },
    });
    const file = dumpFile("neo4j-20261124T161616Z.dump", randomBytes(30 * 1024 * 1024));
    let planted: Promise<unknown> | undefined;
    const run = await runCli(
      [
        "--file",
        file,
        "--prefix",
        "race",
        "--allow-any-file",
        "--part-size",
        "5MiB",
        "--concurrency",
        "1",
        "--json",
      ],
      env,
      {
        // The pre-check has passed once parts flow: the sidecar appears only now.
        onStderr: (chunk) => {
          if (planted === undefined && chunk.includes('"upload.progress"')) {
            planted = client.send(
              new PutObjectCommand({ Bucket: bucket, Key: `${key}.meta.json`, Body: foreign }),
            );
          }
        },
      },
    );
    expect(planted).toBeDefined();
    await planted;
    expect(run.code, run.stderr).toBe(5);
    expect(run.stderr).toContain("different content appeared");
    expect(await getText(`${key}.meta.json`)).toBe(foreign);
  });

  it("runs two identical uploads at once: both exit 0, one uploaded and one skipped, one sidecar", async () => {
    const file = dumpFile("neo4j-20261124T171717Z.dump", randomBytes(24 * 1024 * 1024));
    const args = [
      "--file",
      file,
      "--prefix",
      "twins",
      "--allow-any-file",
      "--part-size",
      "5MiB",
      "--json",
    ];
    const [a, b] = await Promise.all([runCli(args, env), runCli(args, env)]);
    expect([a.code, b.code], `${a.stderr}\n${b.stderr}`).toEqual([0, 0]);
    const outcomes = [a, b]
      .map((r) => (JSON.parse(r.stdout) as { outcome: string }).outcome)
      .sort();
    expect(outcomes).toEqual(["skipped", "uploaded"]);
    const sidecar = JSON.parse(await getText("twins/neo4j/neo4j-20261124T171717Z.dump.meta.json"));
    expect(sidecar).toMatchObject({ sha256: sha256sum(file) });
    expect(await getSha("twins/neo4j/neo4j-20261124T171717Z.dump")).toBe(sha256sum(file));
    const open = await client.send(
      // MinIO lists multipart uploads by exact key only.
      new ListMultipartUploadsCommand({
        Bucket: bucket,
        Prefix: "twins/neo4j/neo4j-20261124T171717Z.dump",
      }),
    );
    expect(open.Uploads ?? []).toHaveLength(0);
  });

  it("runs two different dumps for the same key at once: one commits, the other exits 5 and changes nothing", async () => {
    const one = dumpFile("neo4j-20261124T181818Z.dump", randomBytes(12 * 1024 * 1024));
    const two = dumpFile("neo4j-20261124T181818Z.dump", randomBytes(12 * 1024 * 1024));
    const args = (f: string) => [
      "--file",
      f,
      "--prefix",
      "rivals",
      "--allow-any-file",
      "--part-size",
      "5MiB",
      "--json",
    ];
    const runs = await Promise.all([runCli(args(one), env), runCli(args(two), env)]);
    expect(runs.map((r) => r.code).sort()).toEqual([0, 5]);
    const winner = runs[0].code === 0 ? one : two;
    const key = "rivals/neo4j/neo4j-20261124T181818Z.dump";
    expect(JSON.parse(await getText(`${key}.meta.json`))).toMatchObject({
      sha256: sha256sum(winner),
    });
    expect(await getSha(key)).toBe(sha256sum(winner));
  });

  it("compresses with --compress zstd into a .dump.zst key and records the original size and sha256", async () => {
    const original = Buffer.alloc(3 * 1024 * 1024, "neo4j ");
    const file = dumpFile("neo4j-20261124T171717Z.dump", original);
    const run = await runCli(
      ["--file", file, "--prefix", "zst", "--allow-any-file", "--compress", "zstd", "--json"],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { key: string; size: number; sidecar_key: string };
    expect(result.key).toBe("zst/neo4j/neo4j-20261124T171717Z.dump.zst");
    expect(result.size).toBeLessThan(original.length / 10);
    const meta = JSON.parse(await getText(result.sidecar_key)) as {
      sha256: string;
      compression: unknown;
    };
    expect(meta.compression).toEqual({
      algorithm: "zstd",
      original_size: original.length,
      original_sha256: sha256sum(file),
    });
    expect(await getSha(result.key)).toBe(meta.sha256);
    const again = await runCli(
      ["--file", file, "--prefix", "zst", "--allow-any-file", "--compress", "zstd", "--json"],
      env,
    );
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: "skipped" });
  });

  it("merges a local sidecar's stats and Neo4j version into the uploaded one", async () => {
    const file = dumpFile("neo4j-20261124T181818Z.dump", randomBytes(4000));
    const local = {
      schemaVersion: 1,
      sha256: sha256sum(file),
      size: 4000,
      db_name: "neo4j",
      created_at: "2026-11-24T18:18:18Z",
      created_by: "backup.sh@db1",
      tool: { name: "nbs-upload dump", version: "0.1.0" },
      neo4j: { version: "5.26.30", edition: "community" },
      stats: { nodes: 5, relationships: 4, labels: { Person: 3 } },
    };
    writeFileSync(`${file}.meta.json`, JSON.stringify(local));
    const run = await runCli(
      ["--file", file, "--prefix", "merged", "--allow-any-file", "--json"],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const meta = JSON.parse(
      await getText("merged/neo4j/neo4j-20261124T181818Z.dump.meta.json"),
    ) as Record<string, unknown>;
    expect(meta).toMatchObject({
      sha256: local.sha256,
      created_by: "backup.sh@db1",
      neo4j: local.neo4j,
      stats: local.stats,
      tool: { name: "nbs-upload" },
    });
  });

  it("aborts the multipart upload on the server when interrupted with SIGINT, and exits 130", async () => {
    const file = dumpFile("neo4j-20261124T191919Z.dump", randomBytes(120 * 1024 * 1024));
    const key = "sigint/neo4j/neo4j-20261124T191919Z.dump";
    const args = [
      "--file",
      file,
      "--prefix",
      "sigint",
      "--allow-any-file",
      "--part-size",
      "5MiB",
      "--concurrency",
      "1",
      "--json",
    ];
    let sent = false;
    const run = await runCli(args, env, {
      onStderr: (chunk, child) => {
        if (!sent && chunk.includes('"upload.progress"')) {
          sent = true;
          child.kill("SIGINT");
        }
      },
    });
    expect(run.code, run.stderr).toBe(130);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: { category: "ABORTED" } });
    const uploads = await client.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }),
    );
    expect(uploads.Uploads ?? []).toEqual([]);
    expect(await exists(key)).toBe(false);
    expect(await exists(`${key}.meta.json`)).toBe(false);
  });
});
