import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInteg, getS3TestEnv, keysUnder, type S3TestEnv } from "../src/index.ts";
import { answers } from "../src/services-env.ts";

describeInteg("S3 test env (real MinIO)", () => {
  let env: S3TestEnv;
  let s3: S3Client;
  let bucket: string;

  beforeAll(async () => {
    env = await getS3TestEnv();
    s3 = env.client();
    bucket = await env.createBucket("testenv");
  });
  afterAll(() => s3?.destroy());

  it("is a MinIO container exactly when NBS_TESTENV=containers (the Testcontainers leg)", () => {
    if (process.env["NBS_TESTENV"] !== "containers") return; // the other legs: either source
    expect(env.mode).toBe("testcontainers");
    expect(env.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/); // plain http, this host only
  });

  it("creates a fresh bucket per call", async () => {
    const other = await env.createBucket("testenv");
    expect(other).not.toBe(bucket);
    expect(other).toMatch(/^testenv-[a-z0-9-]+$/);
  });

  it("stores and returns an object encrypted with SSE-KMS under the test key", async () => {
    const key = "kms/hello.txt";
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: "hello kms",
        ServerSideEncryption: "aws:kms",
        SSEKMSKeyId: env.kmsKeyId,
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ServerSideEncryption).toBe("aws:kms");
    expect(head.SSEKMSKeyId).toMatch(new RegExp(`${env.kmsKeyId}$`));
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(await got.Body!.transformToString()).toBe("hello kms");
  });

  it("stores and returns an object encrypted with SSE-S3", async () => {
    const key = "sse-s3/hello.txt";
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: "hello s3",
        ServerSideEncryption: "AES256",
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ServerSideEncryption).toBe("AES256");
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(await got.Body!.transformToString()).toBe("hello s3");
  });

  it("lists every key under a folder, over every page of the listing", async () => {
    const keys = ["many/a", "many/b", "many/c", "many/d", "many/e"];
    for (const key of [...keys, "manyx/beside"])
      // "manyx/" shares the letters, not the folder
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    // Pages of 2 keys (S3's are 1,000): five keys take three listing requests.
    const paged = env.client();
    let pages = 0;
    paged.middlewareStack.add(
      (next) => (args) => {
        const input = args.input as { MaxKeys?: number };
        input.MaxKeys = 2;
        pages += 1;
        return next(args);
      },
      { step: "initialize" },
    );
    try {
      expect(await keysUnder(paged, bucket, "many")).toEqual(keys);
      expect(pages).toBe(3);
      expect(await keysUnder(paged, bucket, "none")).toEqual([]);
    } finally {
      paged.destroy();
    }
  });

  it("describes itself as environment for the CLIs", () => {
    expect(env.processEnv()).toMatchObject({
      BACKUP_S3_ENDPOINT: env.endpoint,
      AWS_ACCESS_KEY_ID: env.accessKeyId,
      AWS_REGION: env.region,
    });
  });

  it("is reached over https only through its CA bundle (the local MinIO), the container over plain http without one", async () => {
    if (env.mode === "testcontainers") {
      expect(env.endpoint).toMatch(/^http:/);
      expect(env.caBundle).toBeUndefined();
      expect(env.processEnv()).not.toHaveProperty("AWS_CA_BUNDLE");
      expect(await answers(`${env.endpoint}/minio/health/live`)).toBe(true);
      return;
    }
    expect(env.caBundle).toBeDefined();
    const url = `${env.endpoint}/minio/health/live`;
    expect(await answers(url, { ca: readFileSync(env.caBundle!, "utf8") })).toBe(true);
    expect(await answers(url)).toBe(false); // TLS is real: Node's roots alone do not trust it
    expect(env.processEnv()).toMatchObject({
      AWS_CA_BUNDLE: env.caBundle,
      NODE_EXTRA_CA_CERTS: env.caBundle,
    });
  });

  it("lets a plain SDK script spawned with processEnv() reach the store", () => {
    const script = `
      import { HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
      const s3 = new S3Client({ endpoint: process.env.BACKUP_S3_ENDPOINT, forcePathStyle: true });
      await s3.send(new HeadBucketCommand({ Bucket: process.argv[1] }));
      console.log("ok");`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script, bucket], {
      env: {
        PATH: process.env["PATH"] ?? "",
        HOME: process.env["HOME"] ?? "/tmp",
        ...env.processEnv(),
      },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("ok");
  });
});
