import {
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";
import { describeInteg, getVersitygwTestEnv, type S3StoreTestEnv } from "@nbs/testenv";
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createS3Client, putBackup } from "../src/index.js";
import { at, dumpFile } from "./store-fixtures.js";

describeInteg("versitygw (a second S3 implementation)", () => {
  let vgw: S3StoreTestEnv;
  let client: S3Client;
  let bucket: string;

  beforeAll(async () => {
    vgw = await getVersitygwTestEnv();
    client = makeClient();
    bucket = await vgw.createBucket("vgw");
  });
  const makeClient = () =>
    createS3Client({
      endpoint: vgw.endpoint,
      region: vgw.region,
      credentials: { accessKeyId: vgw.accessKeyId, secretAccessKey: vgw.secretAccessKey },
      ...(vgw.caBundle ? { caBundle: vgw.caBundle } : {}),
    });
  afterAll(() => client?.destroy());

  it("stores and returns an object through nbs's client", async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: "up/hello.txt", Body: "hi" }));
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "up/hello.txt" }));
    expect(await got.Body!.transformToString()).toBe("hi");
  });

  // Why nbs needs `--sse none` there: the header is accepted and silently not applied.
  it("accepts an SSE header without applying it: no echo in the response or in HEAD", async () => {
    const put = await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: "sse/hello.txt",
        Body: "hi",
        ServerSideEncryption: "AES256",
      }),
    );
    expect(put.ServerSideEncryption).toBeUndefined();
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "sse/hello.txt" }));
    expect(head.ServerSideEncryption).toBeUndefined();
  });

  it("keeps each part's SHA-256 (ListParts), so an interrupted upload resumes with its parts proven", async () => {
    const MIB = 1024 * 1024;
    const bytes = randomBytes(12 * MIB);
    const key = "resume/neo4j/neo4j-20261123T000000Z.dump";
    const base = {
      bucket,
      ...at(key),
      file: dumpFile(bytes, "20261123T000000Z"),
      partSize: 5 * MIB,
      concurrency: 1,
      sse: { mode: "none" } as const,
      resumeIdleMs: 0,
    };
    const dying = makeClient();
    let parts = 0;
    dying.middlewareStack.add(
      (next, context) => async (args) => {
        if (parts >= 2) throw Object.assign(new Error("killed"), { name: "Killed" });
        const out = await next(args);
        if (context.commandName === "UploadPartCommand") parts += 1;
        return out;
      },
      { step: "finalizeRequest", name: "dying" },
    );
    await expect(putBackup({ ...base, client: dying })).rejects.toBeDefined();
    dying.destroy();
    let reused = -1;
    const events: string[] = [];
    const result = await putBackup({
      ...base,
      client,
      onProgress: (p) => (reused = p.bytesReused),
      onEvent: (event) => events.push(event),
    });
    expect(events).toContain("upload.resume.found");
    expect(reused).toBe(10 * MIB);
    expect(result.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    const open = await client.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }),
    );
    expect(open.Uploads ?? []).toEqual([]);
  });
});
