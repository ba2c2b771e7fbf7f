import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { describeInteg, getS3TestEnv, type S3TestEnv } from "@nbs/testenv";
import { getLocal, type CompletedRequest, type Mockttp } from "mockttp";
import { afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { dumpFile, endState, expectCommitted, expectNothing } from "./end-state.js";
import { upload as runCli, type CliRun } from "@nbs/testenv/run-cli";

// Scripted HTTP answers in front of the real MinIO: mockttp serves plain http to nbs-upload and
// passes requests through to MinIO's https untouched (Host kept, so SigV4 signatures still hold).
let s3: S3TestEnv;
let client: S3Client;
let bucket: string;
let mock: Mockttp;

beforeAll(async () => {
  s3 = await getS3TestEnv();
  client = s3.client();
  bucket = await s3.createBucket("faults-http");
});

beforeEach(async () => {
  mock = getLocal();
  await mock.start({ startPort: 20_000, endPort: 60_000 });
});

afterEach(async () => {
  await mock.stop();
});

const PART = 5 * 1024 * 1024;
const keyOf = (prefix: string, stamp: string) => `${prefix}/neo4j/neo4j-${stamp}.dump`;

/** Everything not scripted goes to MinIO as it is; rules added before this one win while they last. */
async function passTheRest(): Promise<void> {
  await mock.forAnyRequest().always().thenPassThrough(passThrough());
}

function passThrough(extra: Record<string, unknown> = {}) {
  return {
    transformRequest: {
      replaceHost: { targetHost: new URL(s3.endpoint).host, updateHostHeader: false },
      setProtocol: "https" as const,
    },
    ...(s3.caBundle ? { additionalTrustedCAs: [{ certPath: s3.caBundle }] } : {}),
    ...extra,
  };
}

const isUploadPart = (r: CompletedRequest) => r.method === "PUT" && r.url.includes("partNumber=");
const isComplete = (r: CompletedRequest) =>
  r.method === "POST" && r.url.includes("uploadId=") && !r.url.includes("partNumber=");
const isSidecarPut = (r: CompletedRequest) =>
  r.method === "PUT" && new URL(r.url).pathname.endsWith(".meta.json");

const s3Error = (code: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>scripted by the test</Message></Error>`;

function upload(file: string, prefix: string, extra: string[] = []): Promise<CliRun> {
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
    {
      ...s3.processEnv(),
      BACKUP_S3_ENDPOINT: mock.url,
      BACKUP_S3_BUCKET: bucket,
      NBS_REQUEST_TIMEOUT: "5s",
    },
  );
}

describeInteg("nbs-upload with scripted HTTP answers (mockttp) in front of MinIO", () => {
  it("recovers from a burst of 503 SlowDown on the parts", async () => {
    const stamp = "20261130T070707Z";
    const file = dumpFile(stamp, 2 * PART + 1000);
    const slowDown = await mock
      .forAnyRequest()
      .matching(isUploadPart)
      .times(3)
      .thenReply(503, s3Error("SlowDown"), { "content-type": "application/xml" });
    await passTheRest();
    const run = await upload(file, "slowdown");
    expect(run.code, run.stderr).toBe(0);
    expect(await slowDown.getSeenRequests()).toHaveLength(3);
    expectCommitted(await endState(client, bucket, keyOf("slowdown", stamp)), file);
  });

  it("retries a 500 InternalError on a single-request upload", async () => {
    const stamp = "20261130T080808Z";
    const file = dumpFile(stamp, 200_000);
    const failing = await mock
      .forPut()
      .matching((r) => new URL(r.url).pathname.endsWith(".dump"))
      .twice()
      .thenReply(500, s3Error("InternalError"), { "content-type": "application/xml" });
    await passTheRest();
    const run = await upload(file, "internal");
    expect(run.code, run.stderr).toBe(0);
    expect(await failing.getSeenRequests()).toHaveLength(2);
    expectCommitted(await endState(client, bucket, keyOf("internal", stamp)), file);
  });

  it("exits 4 after --max-attempts when the 5xx never stops: nothing committed, the multipart upload aborted", async () => {
    const stamp = "20261130T090909Z";
    const file = dumpFile(stamp, 2 * PART + 1000);
    const failing = await mock
      .forAnyRequest()
      .matching(isUploadPart)
      .always()
      .thenReply(500, s3Error("InternalError"), { "content-type": "application/xml" });
    await passTheRest();
    const run = await upload(file, "endless", ["--max-attempts", "3", "--concurrency", "1"]);
    expect(run.code, run.stderr).toBe(4);
    // One part, three attempts: the first failure stops the upload.
    expect(await failing.getSeenRequests()).toHaveLength(3);
    expect(run.stderr).toContain("3 attempts");
    expectNothing(await endState(client, bucket, keyOf("endless", stamp)));
  });

  it("commits once when the answer to CompleteMultipartUpload is lost after MinIO applied it", async () => {
    const stamp = "20261130T101010Z";
    const file = dumpFile(stamp, 2 * PART + 1000);
    const lost = await mock
      .forAnyRequest()
      .matching(isComplete)
      .once()
      .thenPassThrough(passThrough({ beforeResponse: () => "reset" as const }));
    await passTheRest();
    const run = await upload(file, "complete-lost");
    expect(run.code, run.stderr).toBe(0);
    // Recognised as our own Complete, not as a twin's commit.
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: "uploaded" });
    expect(await lost.getSeenRequests()).toHaveLength(1);
    expectCommitted(await endState(client, bucket, keyOf("complete-lost", stamp)), file);
  });

  it("commits when the answer to the sidecar PUT is lost after MinIO stored it: the sidecar found is ours", async () => {
    const stamp = "20261130T111111Z";
    const file = dumpFile(stamp, 200_000);
    const lost = await mock
      .forAnyRequest()
      .matching(isSidecarPut)
      .once()
      .thenPassThrough(passThrough({ beforeResponse: () => "reset" as const }));
    await passTheRest();
    const run = await upload(file, "sidecar-lost");
    expect(run.code, run.stderr).toBe(0);
    // The sidecar found is byte for byte ours: uploaded, not "skipped" behind an identical twin.
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: "uploaded" });
    expect(await lost.getSeenRequests()).toHaveLength(1);
    expectCommitted(await endState(client, bucket, keyOf("sidecar-lost", stamp)), file);
  });

  it("exits 5 when a foreign sidecar lands just before ours (412), and leaves it untouched", async () => {
    const stamp = "20261130T121212Z";
    const key = keyOf("sidecar-race", stamp);
    const file = dumpFile(stamp, 200_000);
    const foreign = JSON.stringify({
      schemaVersion: 1,
      sha256: "0".repeat(64),
      size: 1,
      db_name: "neo4j",
      created_at: "2026-11-30T12:12:12Z",
      created_by: "another-writer",
      tool: { name: "nbs-upload", version: "0.0.0" },
    });
    const raced = await mock
      .forAnyRequest()
      .matching(isSidecarPut)
      .once()
      .thenPassThrough({
        ...(s3.caBundle ? { additionalTrustedCAs: [{ certPath: s3.caBundle }] } : {}),
        // A request callback cannot be combined with transformRequest: redirect by URL here
        // (the Host header, which the signature covers, is left as the client sent it).
        beforeRequest: async (request) => {
          await client.send(
            new PutObjectCommand({ Bucket: bucket, Key: `${key}.meta.json`, Body: foreign }),
          );
          const url = new URL(request.url);
          return {
            url: `${new URL(s3.endpoint).origin}${url.pathname}${url.search}`,
            headers: request.headers,
          };
        },
      });
    await passTheRest();
    const run = await upload(file, "sidecar-race");
    expect(run.code, run.stderr).toBe(5);
    expect(await raced.getSeenRequests()).toHaveLength(1);
    const state = await endState(client, bucket, key);
    expect(state.sidecarText).toBe(foreign);
    expect(state.openUploads).toBe(0);
  });
});
