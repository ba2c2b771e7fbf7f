import {
  type ServiceInputTypes,
  type ServiceOutputTypes,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { BuildMiddleware, DeserializeMiddleware, HttpRequest } from "@smithy/types";
import { describeInteg, getS3TestEnv, type S3TestEnv } from "@nbs/testenv";
import { createHash, randomBytes } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import { at, dumpFile, storeClient } from "./store-fixtures.js";
import { latestBackup, listBackups, putBackup, type PutBackupInput } from "../src/index.js";
import { multipartEtag } from "../src/transport/part-checksums.js";

let s3: S3TestEnv;
let client: S3Client;
let bucket: string;

beforeAll(async () => {
  s3 = await getS3TestEnv();
  client = storeClient(s3);
  bucket = await s3.createBucket("store");
});

/** After signing, on the way to the wire: flip one byte of part 2 (a corrupting proxy or NIC). */
const corruptPartTwo: DeserializeMiddleware<ServiceInputTypes, ServiceOutputTypes> =
  (next) => (args) => {
    const request = args.request as HttpRequest;
    if (request.query?.["partNumber"] === "2" && Buffer.isBuffer(request.body)) {
      const body = Buffer.from(request.body);
      body[body.length >> 1]! ^= 0xff;
      request.body = body;
    }
    return next(args);
  };

/**
 * Make the real MinIO behave like a store that ignores `x-amz-checksum-*`: after nbs decided how
 * to sign each request, the checksum headers (and Complete's part checksums) are dropped before
 * signing, so MinIO neither checks nor echoes them. Records each part's x-amz-content-sha256 as
 * sent, and corrupts the first attempt of part 2 on the wire when asked.
 */
function ignoringChecksums(target: S3Client, options: { corruptPartTwo?: boolean } = {}) {
  const wire: Array<[string, string]> = [];
  const dropChecksums: BuildMiddleware<ServiceInputTypes, ServiceOutputTypes> =
    (next, context) => (args) => {
      const request = args.request as HttpRequest;
      for (const name of Object.keys(request.headers)) {
        if (/^x-amz-(checksum-|sdk-checksum)/i.test(name)) delete request.headers[name];
      }
      const body: unknown = request.body;
      if (context.commandName === "CompleteMultipartUploadCommand" && typeof body === "string") {
        request.body = body.replace(/<Checksum(CRC32|SHA256)>[^<]*<\/Checksum\1>/g, "");
        request.headers["content-length"] = String(Buffer.byteLength(request.body as string));
      }
      return next(args);
    };
  target.middlewareStack.addRelativeTo(dropChecksums, {
    relation: "after",
    toMiddleware: "nbsPayloadSigning",
    name: "ignoreChecksums",
  });
  let corrupted = false;
  target.middlewareStack.add(
    ((next) => (args) => {
      const request = args.request as HttpRequest;
      const part = request.query?.["partNumber"];
      if (typeof part === "string") {
        wire.push([part, String(request.headers["x-amz-content-sha256"])]);
        if (options.corruptPartTwo && part === "2" && !corrupted && Buffer.isBuffer(request.body)) {
          corrupted = true;
          const body = Buffer.from(request.body);
          body[body.length >> 1]! ^= 0xff;
          request.body = body;
        }
      }
      return next(args);
    }) as DeserializeMiddleware<ServiceInputTypes, ServiceOutputTypes>,
    { step: "deserialize", name: "wireLog" },
  );
  return wire;
}

function put(ts: string, extra: Partial<PutBackupInput> = {}) {
  return putBackup({
    client,
    bucket,
    ...at(`env/neo4j/neo4j-${ts}.dump`),
    file: dumpFile(randomBytes(2048), ts),
    sse: { mode: "AES256" },
    ...extra,
  });
}

describeInteg("s3-store against the real MinIO", () => {
  it("lists committed backups newest first and ignores dumps without a sidecar", async () => {
    await put("20261101T000000Z");
    await put("20261103T000000Z");
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: "env/neo4j/neo4j-20261105T000000Z.dump",
        Body: "uncommitted",
      }),
    );
    const keys = (await listBackups({ client, bucket, prefix: "env", db: "neo4j" })).map(
      (b) => b.key,
    );
    expect(keys).toEqual([
      "env/neo4j/neo4j-20261103T000000Z.dump",
      "env/neo4j/neo4j-20261101T000000Z.dump",
    ]);
  });

  it("finds the latest valid backup and names the broken (invalid or lost) and uncommitted dumps newer than it", async () => {
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: "env/neo4j/neo4j-20261104T000000Z.dump",
        Body: "x",
      }),
    );
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: "env/neo4j/neo4j-20261104T000000Z.dump.meta.json",
        Body: '{"schemaVersion":1}',
      }),
    );
    // A sidecar whose dump is gone: a lost backup, not nothing.
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: "env/neo4j/neo4j-20261104T120000Z.dump.meta.json",
        Body: JSON.stringify({
          schemaVersion: 1,
          sha256: "a".repeat(64),
          size: 1,
          db_name: "neo4j",
          created_at: "2026-11-04T12:00:00Z",
          created_by: "integ",
          tool: { name: "s3-store-integ", version: "0" },
        }),
      }),
    );
    const latest = await latestBackup({ client, bucket, prefix: "env", db: "neo4j" });
    expect(latest.backup?.key).toBe("env/neo4j/neo4j-20261103T000000Z.dump");
    expect(latest.broken).toEqual([
      {
        key: "env/neo4j/neo4j-20261104T120000Z.dump",
        reason: `s3://${bucket}/env/neo4j/neo4j-20261104T120000Z.dump.meta.json commits a dump that is missing`,
      },
      {
        key: "env/neo4j/neo4j-20261104T000000Z.dump",
        reason: expect.stringContaining(
          `s3://${bucket}/env/neo4j/neo4j-20261104T000000Z.dump.meta.json does not match the .meta.json schema`,
        ),
      },
    ]);
    // the uncommitted dump left by the first test
    expect(latest.uncommitted).toEqual(["env/neo4j/neo4j-20261105T000000Z.dump"]);
  });

  it("fails at once, without retrying, on an unknown KMS key and leaves nothing committed", async () => {
    const started = Date.now();
    await expect(
      put("20261106T000000Z", { sse: { mode: "aws:kms", kmsKeyId: "no-such-key" } }),
    ).rejects.toMatchObject({ code: "KMS_KEY_UNUSABLE", category: "STORAGE" });
    expect(Date.now() - started).toBeLessThan(5000);
    const keys = (await listBackups({ client, bucket, prefix: "env", db: "neo4j" })).map(
      (b) => b.key,
    );
    expect(keys).not.toContain("env/neo4j/neo4j-20261106T000000Z.dump");
  });

  it("pages through more than one listing page", async () => {
    const many = await s3.createBucket("paging");
    const file = dumpFile(Buffer.from("x"), "20261107T000000Z");
    for (let i = 0; i < 1005; i += 1) {
      await client.send(
        new PutObjectCommand({
          Bucket: many,
          Key: `p/neo4j/junk-${String(i).padStart(4, "0")}`,
          Body: "",
        }),
      );
    }
    await putBackup({
      client,
      bucket: many,
      ...at("p/neo4j/neo4j-20261107T000000Z.dump"),
      file,
      sse: { mode: "AES256" },
    });
    expect((await listBackups({ client, bucket: many, prefix: "p" })).map((b) => b.key)).toEqual([
      "p/neo4j/neo4j-20261107T000000Z.dump",
    ]);
  });

  it.each(["auto", "always"] as const)(
    "commits a multipart upload whose stored composite SHA-256 matches the parts sent (payload signing %s)",
    async (mode) => {
      const bytes = randomBytes(11 * 1024 * 1024);
      const signed = storeClient(s3, mode);
      const key = `crc/${mode}/neo4j/neo4j-20261109T000000Z.dump`;
      const result = await putBackup({
        client: signed,
        bucket,
        ...at(key),
        file: dumpFile(bytes, "20261109T000000Z"),
        partSize: 5 * 1024 * 1024,
        sse: { mode: "AES256" },
      });
      expect(result.status).toBe("uploaded");
      const head = await client.send(
        new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }),
      );
      expect(head.ChecksumSHA256).toMatch(/^[A-Za-z0-9+/]{43}=-3$/);
      signed.destroy();
    },
  );

  it.each(["auto", "always"] as const)(
    "refuses a part corrupted on the wire, commits nothing and aborts the upload (payload signing %s)",
    async (mode) => {
      const corrupting = storeClient(s3, mode);
      corrupting.middlewareStack.add(corruptPartTwo, { step: "deserialize", name: "corrupt" });
      const key = `corrupt/${mode}/neo4j/neo4j-20261110T000000Z.dump`;
      const failure = putBackup({
        client: corrupting,
        bucket,
        ...at(key),
        file: dumpFile(randomBytes(11 * 1024 * 1024), "20261110T000000Z"),
        partSize: 5 * 1024 * 1024,
        sse: { mode: "AES256" },
      });
      await expect(failure).rejects.toMatchObject({
        code: "CORRUPTED_IN_TRANSIT",
        message: expect.stringContaining("corrupted on the way"),
      });
      corrupting.destroy();
      // MinIO lists multipart uploads by exact key only (no prefix listing).
      const uploads = await client.send(
        new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }),
      );
      expect(uploads.Uploads ?? []).toEqual([]);
      expect(await listBackups({ client, bucket, prefix: `corrupt/${mode}` })).toEqual([]);
      await expect(
        client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
      ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    },
  );

  it("on a store that does not confirm part checksums, sends unconfirmed parts again signed and commits the right bytes", async () => {
    const bytes = randomBytes(12 * 1024 * 1024);
    const ignoring = storeClient(s3); // https: parts go UNSIGNED-PAYLOAD while checksums are confirmed
    const wire = ignoringChecksums(ignoring);
    const key = "ignoring/neo4j/neo4j-20261111T000000Z.dump";
    const result = await putBackup({
      client: ignoring,
      bucket,
      ...at(key),
      file: dumpFile(bytes, "20261111T000000Z"),
      partSize: 5 * 1024 * 1024,
      concurrency: 1,
      sse: { mode: "AES256" },
    });
    ignoring.destroy();
    expect(result.status).toBe("uploaded");
    const signed = (sha: string) => /^[0-9a-f]{64}$/.test(sha);
    expect(wire.map(([part, sha]) => [part, signed(sha)])).toEqual([
      ["1", false],
      ["1", true],
      ["2", true],
      ["3", true],
    ]);
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const stored = createHash("sha256").update(await out.Body!.transformToByteArray());
    expect(stored.digest("hex")).toBe(createHash("sha256").update(bytes).digest("hex"));
  });

  it("on a store that does not confirm part checksums, a part corrupted on the wire is caught by its signature", async () => {
    const ignoring = storeClient(s3);
    ignoringChecksums(ignoring, { corruptPartTwo: true });
    const key = "ignoring-corrupt/neo4j/neo4j-20261112T000000Z.dump";
    const failure = putBackup({
      client: ignoring,
      bucket,
      ...at(key),
      file: dumpFile(randomBytes(12 * 1024 * 1024), "20261112T000000Z"),
      partSize: 5 * 1024 * 1024,
      concurrency: 1,
      sse: { mode: "AES256" },
    });
    await expect(failure).rejects.toMatchObject({
      code: "CORRUPTED_IN_TRANSIT",
      message: expect.stringContaining("corrupted on the way"),
    });
    ignoring.destroy();
    expect(await listBackups({ client, bucket, prefix: "ignoring-corrupt" })).toEqual([]);
  });

  it("computes the multipart ETag the store reports (used to recognise our own retried Complete)", async () => {
    const bytes = randomBytes(12 * 1024 * 1024 + 123);
    const file = dumpFile(bytes, "20261108T000000Z");
    const result = await putBackup({
      client,
      bucket,
      ...at("etag/neo4j/neo4j-20261108T000000Z.dump"),
      file,
      partSize: 5 * 1024 * 1024,
      sse: { mode: "AES256" },
    });
    const partEtags = [0, 1, 2].map((i) =>
      createHash("md5")
        .update(bytes.subarray(i * 5 * 1024 * 1024, (i + 1) * 5 * 1024 * 1024))
        .digest("hex"),
    );
    expect(result.meta.storage?.etag).toBe(multipartEtag(partEtags));
  });
});
