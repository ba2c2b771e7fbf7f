import type { S3Client } from "@aws-sdk/client-s3";
import { describeInteg } from "@nbs/testenv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWatching, settledKeyState, type LogEvent, uploadJob } from "./fault-run.js";
import { startMinioProcess, type MinioProcess } from "./minio-process.js";

// Signals to the real nbs-upload process at each phase of the protocol. The phase is read from
// the run's own debug events; the (own) MinIO is frozen with SIGSTOP at that moment, so the
// request of that phase is surely in flight when the signal lands, then thawed.

let minio: MinioProcess;
let client: S3Client;
let bucket: string;
let env: Record<string, string>;

beforeAll(async () => {
  minio = await startMinioProcess();
  client = minio.client();
  bucket = await minio.createBucket("faults-process");
  env = { ...minio.processEnv(), BACKUP_S3_BUCKET: bucket };
});

afterAll(async () => {
  client?.destroy();
  await minio?.remove();
});

const PHASES = {
  parts: (e: LogEvent) => e["event"] === "upload.progress",
  complete: (e: LogEvent) =>
    e["event"] === "s3.request" && e["command"] === "CompleteMultipartUploadCommand",
  sidecar: (e: LogEvent) =>
    e["event"] === "s3.request" &&
    e["command"] === "PutObjectCommand" &&
    String(e["key"]).endsWith(".meta.json"),
};
type Phase = keyof typeof PHASES;

let stamp = 0;
/** A 30 MiB dump sent as 6 parts of 5 MiB, 2 at a time, with debug events. */
const job = (prefix: string) =>
  uploadJob(prefix, `20261130T0${String(stamp++).padStart(5, "0")}Z`, {
    bytes: 30 * 1024 * 1024,
    concurrency: 2,
    extra: ["--verbose"],
  });

/** Run, and at the phase's first event freeze MinIO, send `signal` to nbs, thaw MinIO. */
async function interrupt(args: string[], phase: Phase, signal: "SIGTERM" | "SIGKILL") {
  let fired = false;
  const thaw = () => minio.kill("SIGCONT");
  try {
    const run = await runWatching(args, env, (event, child) => {
      if (!fired && PHASES[phase](event)) {
        fired = true;
        minio.kill("SIGSTOP");
        child.kill(signal);
        if (signal === "SIGKILL") thaw();
      }
      // The handler ran and aborted the request in flight: the server may answer again (the
      // multipart abort after Ctrl-C goes to it).
      if (event["event"] === "signal") thaw();
    });
    expect(fired, `no ${phase} event`).toBe(true);
    return run;
  } finally {
    thaw();
  }
}

describeInteg("nbs-upload interrupted by signals (own MinIO)", () => {
  describe.each(["parts", "complete", "sidecar"] as const)("during %s", (phase) => {
    it("SIGTERM: exits 130, no multipart upload left open, nothing wrongly committed; a re-run commits the file's sha256", async () => {
      const { file, key, args } = job(`term-${phase}`);
      const run = await interrupt(args, phase, "SIGTERM");
      expect(run.code, run.stderr).toBe(130);
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: { category: "ABORTED" } });
      const after = await settledKeyState(client, bucket, key);
      expect(after.uploads).toEqual([]);
      if (phase === "parts") {
        expect(after).toMatchObject({ objectSha256: undefined, sidecar: undefined });
      } else {
        // Complete or the sidecar PUT was in flight: the store may have applied it before the
        // client went away. Whatever it kept is the file's bytes; a sidecar only in the last phase.
        if (after.objectSha256 !== undefined) expect(after.objectSha256).toBe(file.sha256);
        if (phase === "complete") expect(after.sidecar).toBeUndefined();
        if (after.sidecar !== undefined) expect(after.sidecar.sha256).toBe(file.sha256);
      }

      const rerun = await runWatching(args, env, () => {});
      expect(rerun.code, rerun.stderr).toBe(0);
      const done = await settledKeyState(client, bucket, key);
      expect(done).toMatchObject({
        objectSha256: file.sha256,
        sidecar: { sha256: file.sha256 },
        uploads: [],
      });
    });

    it("SIGKILL: nothing wrongly committed; a re-run commits the file's sha256 and opens no upload of its own", async () => {
      const { file, key, args } = job(`kill-${phase}`);
      const run = await interrupt(args, phase, "SIGKILL");
      expect(run.signal).toBe("SIGKILL");
      const after = await settledKeyState(client, bucket, key);
      if (after.objectSha256 !== undefined) expect(after.objectSha256).toBe(file.sha256);
      if (after.sidecar !== undefined) expect(after.sidecar.sha256).toBe(file.sha256);
      if (phase === "parts") {
        // Nobody could abort it: the killed run's upload stays open on the server.
        expect(after).toMatchObject({ objectSha256: undefined, sidecar: undefined });
        expect(after.uploads).toHaveLength(1);
      }
      if (phase === "complete") expect(after.sidecar).toBeUndefined();
      if (phase === "sidecar") expect(after.uploads).toEqual([]);

      const rerun = await runWatching(args, env, () => {});
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(JSON.parse(rerun.stdout)).toMatchObject({
        outcome: expect.stringMatching(/^(uploaded|adopted|skipped)$/),
      });
      const done = await settledKeyState(client, bucket, key);
      expect(done).toMatchObject({ objectSha256: file.sha256, sidecar: { sha256: file.sha256 } });
      // The re-run leaves no upload of its own. The killed run's stays (until resumable
      // multipart picks it up, or a lifecycle rule collects it).
      expect(after.uploads).toEqual(expect.arrayContaining(done.uploads));
    });
  });
});
