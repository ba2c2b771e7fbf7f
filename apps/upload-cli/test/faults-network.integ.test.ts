import type { S3Client } from "@aws-sdk/client-s3";
import { describeInteg, getS3TestEnv, getToxiproxy, type ToxiProxy } from "@nbs/testenv";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { dumpFile, endState, expectCommitted, expectNothing } from "./end-state.js";
import { upload as runCli, type CliRun } from "@nbs/testenv/run-cli";

// Network faults between nbs-upload and the real MinIO: toxiproxy forwards TCP, so TLS passes
// through and MinIO's certificate (valid for 127.0.0.1) is what the CLI checks.
let client: S3Client;
let bucket: string;
let proxy: ToxiProxy;
let env: Record<string, string>;

beforeAll(async () => {
  const s3 = await getS3TestEnv();
  const toxiproxy = await getToxiproxy();
  client = s3.client();
  bucket = await s3.createBucket("faults-net");
  proxy = await toxiproxy.createProxy(`nbs-upload-${process.pid}`, new URL(s3.endpoint).host);
  env = {
    ...s3.processEnv(),
    BACKUP_S3_ENDPOINT: `https://${proxy.listen}`,
    BACKUP_S3_BUCKET: bucket,
    NBS_REQUEST_TIMEOUT: "2s",
    NBS_CONNECT_TIMEOUT: "2s",
  };
});

afterAll(async () => {
  await proxy?.remove();
});

const PART = 5 * 1024 * 1024;

function upload(
  file: string,
  prefix: string,
  extra: string[] = [],
  onStderr?: (chunk: string) => void,
): Promise<CliRun> {
  return runCli(
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
    onStderr ? { onStderr } : {},
  );
}

const keyOf = (prefix: string, stamp: string) => `${prefix}/neo4j/neo4j-${stamp}.dump`;

/** Runs `body` with the toxic on, and always takes it off again. */
async function withToxic<T>(toxic: Parameters<ToxiProxy["addToxic"]>[0], body: () => Promise<T>) {
  await proxy.addToxic(toxic);
  try {
    return await body();
  } finally {
    await proxy.removeToxic(toxic.name);
  }
}

describeInteg("nbs-upload through toxiproxy in front of MinIO", () => {
  it("survives connections reset in the middle of a part (limit_data upstream): retried parts, one commit", async () => {
    // Each connection dies after 7 MiB sent: the second part on every connection is cut 2 MiB in.
    const stamp = "20261130T010101Z";
    const file = dumpFile(stamp, 3 * PART + 1000);
    await withToxic(
      {
        name: "cut",
        type: "limit_data",
        stream: "upstream",
        attributes: { bytes: PART + 2 * 1024 * 1024 },
      },
      async () => {
        const failed = await upload(file, "reset-once", ["--max-attempts", "1"]);
        // Without retries the same cut is fatal: exit 4, nothing committed, the upload aborted.
        expect(failed.code, failed.stderr).toBe(4);
        expectNothing(await endState(client, bucket, keyOf("reset-once", stamp)));

        const run = await upload(file, "reset");
        expect(run.code, run.stderr).toBe(0);
        expectCommitted(await endState(client, bucket, keyOf("reset", stamp)), file);
      },
    );
  });

  it("commits through 150 ms of latency each way", async () => {
    const stamp = "20261130T020202Z";
    const file = dumpFile(stamp, 2 * PART + 1000);
    const run = await withToxic(
      {
        name: "slow-down",
        type: "latency",
        stream: "downstream",
        attributes: { latency: 150, jitter: 50 },
      },
      () =>
        withToxic(
          {
            name: "slow-up",
            type: "latency",
            stream: "upstream",
            attributes: { latency: 150, jitter: 50 },
          },
          () => upload(file, "latency"),
        ),
    );
    expect(run.code, run.stderr).toBe(0);
    expectCommitted(await endState(client, bucket, keyOf("latency", stamp)), file);
  });

  it("commits over a 1 MiB/s link", async () => {
    // ~5 s for the part. toxiproxy buffers what it has read, so the client's socket can sit idle
    // while the proxy drains to MinIO: the request timeout must cover that drain (10 s here).
    const stamp = "20261130T030303Z";
    const file = dumpFile(stamp, PART + 1000);
    const run = await withToxic(
      { name: "narrow", type: "bandwidth", stream: "upstream", attributes: { rate: 1024 } },
      () => upload(file, "bandwidth", ["--concurrency", "1", "--request-timeout", "10s"]),
    );
    expect(run.code, run.stderr).toBe(0);
    expectCommitted(await endState(client, bucket, keyOf("bandwidth", stamp)), file);
  });

  it("exits 4 within its bound when the link stalls for good (timeout toxic): nothing committed", async () => {
    const stamp = "20261130T040404Z";
    const file = dumpFile(stamp, 1000);
    const started = Date.now();
    const run = await withToxic(
      { name: "stall", type: "timeout", stream: "upstream", attributes: { timeout: 0 } },
      () => upload(file, "stall", ["--request-timeout", "1s", "--max-attempts", "2"]),
    );
    expect(run.code, run.stderr).toBe(4);
    // 3 sidecar reads × (2 attempts × (3 s + 1 s) + 1 s backoff) = 27 s, with room for a slow machine.
    expect((Date.now() - started) / 1000).toBeLessThan(60);
    const final = run.events.at(-1) as { message?: string; hint?: string };
    expect(final.message).toMatch(/timed out/);
    expect(final.hint).toMatch(/--request-timeout/);
    expectNothing(await endState(client, bucket, keyOf("stall", stamp)));
  });

  it("carries a stall in the middle of the parts through when it lifts within the retries", async () => {
    const stamp = "20261130T050505Z";
    const file = dumpFile(stamp, 3 * PART + 1000);
    let lifted: Promise<void> | undefined;
    const run = await upload(
      file,
      "stall-lifts",
      ["--concurrency", "1", "--max-attempts", "6"],
      (chunk) => {
        if (lifted === undefined && chunk.includes('"upload.progress"')) {
          lifted = (async () => {
            await proxy.addToxic({
              name: "pause",
              type: "timeout",
              stream: "upstream",
              attributes: { timeout: 0 },
            });
            await sleep(2500);
            await proxy.removeToxic("pause");
          })();
        }
      },
    );
    expect(lifted).toBeDefined();
    await lifted;
    expect(run.code, run.stderr).toBe(0);
    expectCommitted(await endState(client, bucket, keyOf("stall-lifts", stamp)), file);
  });

  it("carries the proxy going down and coming back in the middle of the parts", async () => {
    const stamp = "20261130T060606Z";
    const file = dumpFile(stamp, 3 * PART + 1000);
    let bounced: Promise<void> | undefined;
    const run = await upload(
      file,
      "bounce",
      ["--concurrency", "1", "--max-attempts", "8"],
      (chunk) => {
        if (bounced === undefined && chunk.includes('"upload.progress"')) {
          bounced = (async () => {
            await proxy.setEnabled(false);
            await sleep(300);
            await proxy.setEnabled(true);
          })();
        }
      },
    );
    expect(bounced).toBeDefined();
    await bounced;
    expect(run.code, run.stderr).toBe(0);
    expectCommitted(await endState(client, bucket, keyOf("bounce", stamp)), file);
  });

  it("exits 4 when the proxy is down from the start (connection refused after the retries): nothing on the server", async () => {
    const stamp = "20261130T070707Z";
    const file = dumpFile(stamp, 1000);
    await proxy.setEnabled(false);
    try {
      const run = await upload(file, "down");
      expect(run.code, run.stderr).toBe(4);
      expect(run.stderr).toContain("ECONNREFUSED");
    } finally {
      await proxy.setEnabled(true);
    }
    expectNothing(await endState(client, bucket, keyOf("down", stamp)));
  });
});
