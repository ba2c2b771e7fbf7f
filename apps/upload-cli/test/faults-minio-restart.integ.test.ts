import type { S3Client } from "@aws-sdk/client-s3";
import { describeInteg } from "@nbs/testenv";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runWatching, settledKeyState, uploadJob } from "./fault-run.js";
import { startMinioProcess, type MinioProcess } from "./minio-process.js";

// The storage server itself killed (SIGKILL) in the middle of an upload: a MinIO of this test's
// own, so the shared one is never disturbed.

let minio: MinioProcess;
let client: S3Client;
let bucket: string;
let env: Record<string, string>;

beforeAll(async () => {
  minio = await startMinioProcess();
  client = minio.client();
  bucket = await minio.createBucket("faults-restart");
  env = { ...minio.processEnv(), BACKUP_S3_BUCKET: bucket };
});

afterAll(async () => {
  client?.destroy();
  await minio?.remove();
});

const job = (prefix: string, stamp: string, extra: string[] = []) =>
  uploadJob(prefix, stamp, { bytes: 60 * 1024 * 1024, concurrency: 2, extra });

describeInteg("nbs-upload while MinIO is killed and restarted (own MinIO)", () => {
  it("rides out a MinIO restarted at once through its retries: exit 0, the stored bytes are the file's", async () => {
    // 8 attempts: up to ~25 s of backoff, enough for MinIO (~1 s) to come back whatever the jitter.
    const { file, key, args } = job("restart", "20261130T010101Z", ["--max-attempts", "8"]);
    let restarted: Promise<void> | undefined;
    const run = await runWatching(args, env, (event) => {
      if (!restarted && event["event"] === "upload.progress") {
        minio.kill("SIGKILL");
        restarted = minio.restart();
      }
    });
    await restarted;
    expect(restarted).toBeDefined();
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: "uploaded", sha256: file.sha256 });
    expect(await settledKeyState(client, bucket, key)).toEqual({
      objectSha256: file.sha256,
      sidecar: expect.objectContaining({ sha256: file.sha256 }),
      uploads: [],
    });
  });

  it("exits 4 with a storage error when MinIO stays down past the retries; after it is back a re-run commits", async () => {
    const { file, key, args } = job("down", "20261130T020202Z");
    let killed = false;
    const started = Date.now();
    const run = await runWatching(args, env, (event) => {
      if (!killed && event["event"] === "upload.progress") {
        killed = true;
        minio.kill("SIGKILL");
      }
    });
    const seconds = (Date.now() - started) / 1000;
    await minio.restart();
    expect(killed).toBe(true);
    expect(run.code, run.stderr).toBe(4);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: false,
      error: {
        code: "NETWORK",
        message: expect.stringMatching(/ECONNREFUSED|ECONNRESET|socket hang up/),
      },
    });
    expect(seconds).toBeLessThan(60);
    const after = await settledKeyState(client, bucket, key);
    expect(after).toMatchObject({ objectSha256: undefined, sidecar: undefined });
    // The abort could not reach a dead server: the upload it started is still open.
    expect(after.uploads).toHaveLength(1);

    const rerun = await runWatching(args, env, () => {});
    expect(rerun.code, rerun.stderr).toBe(0);
    const done = await settledKeyState(client, bucket, key);
    expect(done).toMatchObject({ objectSha256: file.sha256, sidecar: { sha256: file.sha256 } });
    expect(after.uploads).toEqual(expect.arrayContaining(done.uploads));
  });
});
