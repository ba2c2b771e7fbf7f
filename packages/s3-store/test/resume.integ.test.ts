import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  UploadPartCommand,
  type S3Client,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from "@aws-sdk/client-s3";
import type { FinalizeRequestMiddleware } from "@smithy/types";
import { describeInteg, getS3TestEnv, type S3TestEnv } from "@nbs/testenv";
import { createHash, randomBytes } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";
import { afterEach, beforeAll, expect, it, vi } from "vitest";
import { crc32Base64 } from "../src/transport/part-checksums.js";
import { at, dumpFile, storeClient } from "./store-fixtures.js";
import { getBackupStream, putBackup, type PutBackupInput } from "../src/index.js";

let s3: S3TestEnv;
let client: S3Client;
let bucket: string;
const MIB = 1024 * 1024;

beforeAll(async () => {
  s3 = await getS3TestEnv();
  client = storeClient(s3);
  bucket = await s3.createBucket("resume");
});

async function storedSha256(key: string): Promise<string> {
  const { body } = await getBackupStream(client, bucket, key);
  const hash = createHash("sha256");
  for await (const chunk of body) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function openUploads(key: string): Promise<number> {
  const out = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }));
  return (out.Uploads ?? []).filter((u) => u.Key === key).length;
}

/** The process "dies" after `parts` parts: every later request fails, the abort included. */
function dyingAfter(
  parts: number,
): FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> {
  let done = 0;
  return (next, context) => async (args) => {
    if (done >= parts) throw Object.assign(new Error("killed"), { name: "Killed" });
    const out = await next(args);
    if (context.commandName === "UploadPartCommand") done += 1;
    return out;
  };
}

/** After `parts` parts, every UploadPart fails like a network error (the abort still goes). */
function failingPartAfter(
  parts: number,
): FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> {
  let done = 0;
  return (next, context) => async (args) => {
    if (context.commandName !== "UploadPartCommand") return next(args);
    if (done >= parts) throw Object.assign(new Error("reset"), { name: "ECONNRESET" });
    done += 1;
    return next(args);
  };
}

const sha = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

afterEach(() => vi.useRealTimers());

/**
 * Bytes to XOR into the last 6 bytes of a message that leave its CRC32 unchanged: CRC32 is
 * linear, so the flips form a kernel of a 48→32 bit map; Gaussian elimination finds one.
 */
function crc32Collision(): Buffer {
  const zero = Buffer.alloc(6);
  const base = Buffer.from(crc32Base64(zero), "base64").readUInt32BE();
  const rows = Array.from({ length: 48 }, (_, bit) => {
    const d = Buffer.alloc(6);
    d[bit >> 3] = 1 << (bit & 7);
    const effect = Buffer.from(crc32Base64(d), "base64").readUInt32BE() ^ base;
    return { effect, flips: 1n << BigInt(bit) };
  });
  for (let col = 31, next = 0; col >= 0; col--) {
    const pivot = rows.findIndex((r, i) => i >= next && (r.effect >>> col) & 1);
    if (pivot < 0) continue;
    [rows[next], rows[pivot]] = [rows[pivot]!, rows[next]!];
    for (const [i, r] of rows.entries()) {
      if (i !== next && (r.effect >>> col) & 1) {
        r.effect = (r.effect ^ rows[next]!.effect) >>> 0;
        r.flips ^= rows[next]!.flips;
      }
    }
    next += 1;
  }
  const kernel = rows.find((r) => r.effect === 0)!.flips;
  const d = Buffer.alloc(6);
  for (let bit = 0; bit < 48; bit++)
    if ((kernel >> BigInt(bit)) & 1n) d[bit >> 3]! |= 1 << (bit & 7);
  return d;
}

describeInteg(
  "multipart uploads: large parts streamed, interrupted uploads resumed (real MinIO)",
  () => {
    it.each(["auto", "always"] as const)(
      "streams parts larger than the in-memory budget from the file and commits the right bytes (signing %s)",
      async (mode) => {
        const bytes = randomBytes(70 * MIB + 123);
        const key = `streamed/${mode}/neo4j/neo4j-20261113T000000Z.dump`;
        const signing = storeClient(s3, mode);
        const result = await putBackup({
          client: signing,
          bucket,
          ...at(key),
          file: dumpFile(bytes, "20261113T000000Z"),
          partSize: 32 * MIB, // × 3 in flight = 96 MiB > 64 MiB: streamed, not held
          concurrency: 3,
          sse: { mode: "AES256" },
        });
        signing.destroy();
        expect(result).toMatchObject({ status: "uploaded", sha256: sha(bytes) });
        expect(await storedSha256(key)).toBe(sha(bytes));
      },
    );

    it("calls a dump changed while its streamed parts are sent an input error (exit 3), not a network fault", async () => {
      const bytes = randomBytes(70 * MIB);
      const key = "streamed-changed/neo4j/neo4j-20261117T000000Z.dump";
      const file = dumpFile(bytes, "20261117T000000Z");
      let changed = false;
      const failure = putBackup({
        client,
        bucket,
        ...at(key),
        file,
        partSize: 32 * MIB,
        concurrency: 3,
        sse: { mode: "AES256" },
        onProgress: () => {
          if (changed) return;
          // The first part is in; the others are still streaming, their ends sent last: rewrite
          // the end of every part in place, so a part still on the wire carries changed bytes.
          changed = true;
          const fd = openSync(file, "r+");
          for (const at of [32 * MIB - 4096, 64 * MIB - 4096, 70 * MIB - 4096]) {
            writeSync(fd, randomBytes(1024), 0, 1024, at);
          }
          closeSync(fd);
        },
      });
      await expect(failure).rejects.toMatchObject({
        code: "FILE_CHANGED",
        message: expect.stringContaining("the file changed while it was being uploaded"),
      });
      expect(changed).toBe(true);
      expect(await openUploads(key)).toBe(0);
    });

    it("resumes the upload a killed run left open: only the missing parts are sent", async () => {
      const bytes = randomBytes(60 * MIB);
      const key = "resumed/neo4j/neo4j-20261114T000000Z.dump";
      const file = dumpFile(bytes, "20261114T000000Z");
      const base: Omit<PutBackupInput, "client"> = {
        bucket,
        ...at(key),
        file,
        partSize: 5 * MIB, // 12 parts
        concurrency: 1,
        sse: { mode: "AES256" },
        resumeIdleMs: 0,
      };
      const dying = storeClient(s3);
      dying.middlewareStack.add(dyingAfter(7), { step: "finalizeRequest", name: "dying" });
      await expect(putBackup({ ...base, client: dying })).rejects.toBeDefined();
      dying.destroy();
      expect(await openUploads(key)).toBe(1); // nothing could clean up after the "kill"

      let sent = 0;
      let reused = 0;
      const events: string[] = [];
      const rerun = storeClient(s3);
      const result = await putBackup({
        ...base,
        client: rerun,
        onProgress: (p) => ((sent = p.bytesSent), (reused = p.bytesReused)),
        onEvent: (event) => events.push(event),
      });
      rerun.destroy();
      expect(result).toMatchObject({ status: "uploaded", sha256: sha(bytes) });
      expect(events).toContain("upload.resume.found");
      expect(reused).toBe(7 * 5 * MIB);
      expect(sent).toBe(5 * 5 * MIB);
      expect(await storedSha256(key)).toBe(sha(bytes));
      expect(await openUploads(key)).toBe(0);
    });

    it("re-sends a stored part whose bytes no longer match the file, never trusting it", async () => {
      const bytes = randomBytes(30 * MIB);
      const key = "resumed-changed/neo4j/neo4j-20261115T000000Z.dump";
      const file = dumpFile(bytes, "20261115T000000Z");
      const base = {
        bucket,
        ...at(key),
        partSize: 5 * MIB,
        concurrency: 1,
        sse: { mode: "AES256" } as const,
        resumeIdleMs: 0,
      };
      const dying = storeClient(s3);
      dying.middlewareStack.add(dyingAfter(4), { step: "finalizeRequest", name: "dying" });
      await expect(putBackup({ ...base, file, client: dying })).rejects.toBeDefined();
      dying.destroy();
      // The dump is not the one the killed run read: part 2 differs.
      const changed = Buffer.from(bytes);
      changed[7 * MIB]! ^= 0xff;
      const changedFile = dumpFile(changed, "20261115T000000Z");
      let sent = 0;
      const rerun = storeClient(s3);
      const result = await putBackup({
        ...base,
        file: changedFile,
        client: rerun,
        onProgress: (p) => (sent = p.bytesSent),
      });
      rerun.destroy();
      expect(result.sha256).toBe(sha(changed));
      expect(sent).toBe(3 * 5 * MIB); // part 2 again, and parts 5 and 6
      expect(await storedSha256(key)).toBe(sha(changed));
    });

    it("leaves a young upload of the same key alone (maybe a run still going) and starts its own", async () => {
      const bytes = randomBytes(12 * MIB);
      const key = "young/neo4j/neo4j-20261116T000000Z.dump";
      const file = dumpFile(bytes, "20261116T000000Z");
      const base = {
        bucket,
        ...at(key),
        file,
        partSize: 5 * MIB,
        concurrency: 1,
        sse: { mode: "AES256" } as const,
      };
      const dying = storeClient(s3);
      dying.middlewareStack.add(dyingAfter(1), { step: "finalizeRequest", name: "dying" });
      await expect(putBackup({ ...base, client: dying })).rejects.toBeDefined();
      dying.destroy();
      let reused = -1;
      const rerun = storeClient(s3);
      await putBackup({ ...base, client: rerun, onProgress: (p) => (reused = p.bytesReused) });
      rerun.destroy();
      expect(reused).toBe(0);
      expect(await openUploads(key)).toBe(1); // the young one, untouched
    });

    it("re-sends a stored part with the same size and CRC32 but other bytes: only a SHA-256 proves a part", async () => {
      const bytes = randomBytes(15 * MIB);
      const key = "resumed-collision/neo4j/neo4j-20261118T000000Z.dump";
      const base = {
        bucket,
        ...at(key),
        partSize: 5 * MIB,
        concurrency: 1,
        sse: { mode: "AES256" } as const,
        resumeIdleMs: 0,
      };
      const dying = storeClient(s3);
      dying.middlewareStack.add(dyingAfter(2), { step: "finalizeRequest", name: "dying" });
      const file = dumpFile(bytes, "20261118T000000Z");
      await expect(putBackup({ ...base, file, client: dying })).rejects.toBeDefined();
      dying.destroy();
      // The dump is not the one the killed run read: part 2 differs, with the same CRC32.
      const changed = Buffer.from(bytes);
      const flips = crc32Collision();
      for (let i = 0; i < 6; i++) changed[10 * MIB - 6 + i]! ^= flips[i]!;
      const part2 = (b: Buffer) => b.subarray(5 * MIB, 10 * MIB);
      expect(crc32Base64(part2(changed))).toBe(crc32Base64(part2(bytes)));
      let sent = 0;
      let reused = 0;
      const rerun = storeClient(s3);
      const result = await putBackup({
        ...base,
        file: dumpFile(changed, "20261118T000000Z"),
        client: rerun,
        onProgress: (p) => ((sent = p.bytesSent), (reused = p.bytesReused)),
      });
      rerun.destroy();
      expect(result.sha256).toBe(sha(changed));
      expect(await storedSha256(key)).toBe(sha(changed));
      expect([reused, sent]).toEqual([5 * MIB, 10 * MIB]); // part 1 proven; part 2 sent again
    });

    it("judges idleness by the store's clock: a local clock 10 minutes fast does not make a live upload idle", async () => {
      const bytes = randomBytes(12 * MIB);
      const key = "skewed/neo4j/neo4j-20261119T000000Z.dump";
      const file = dumpFile(bytes, "20261119T000000Z");
      const base = {
        bucket,
        ...at(key),
        file,
        partSize: 5 * MIB,
        concurrency: 1,
        sse: { mode: "AES256" } as const,
        resumeIdleMs: 5 * 60 * 1000,
      };
      const dying = storeClient(s3);
      dying.middlewareStack.add(dyingAfter(1), { step: "finalizeRequest", name: "dying" });
      await expect(putBackup({ ...base, client: dying })).rejects.toBeDefined();
      dying.destroy();
      // Within the 15 minutes of skew S3 and MinIO accept on signatures.
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 10 * 60 * 1000 });
      let reused = -1;
      const rerun = storeClient(s3);
      await putBackup({ ...base, client: rerun, onProgress: (p) => (reused = p.bytesReused) });
      rerun.destroy();
      vi.useRealTimers();
      expect(reused).toBe(0);
      expect(await openUploads(key)).toBe(1); // the live one, untouched
    });

    it("never aborts an upload it did not create: a resumed upload survives the re-run failing too", async () => {
      const bytes = randomBytes(20 * MIB);
      const key = "taken-over/neo4j/neo4j-20261120T000000Z.dump";
      const file = dumpFile(bytes, "20261120T000000Z");
      const base = {
        bucket,
        ...at(key),
        file,
        partSize: 5 * MIB,
        concurrency: 1,
        sse: { mode: "AES256" } as const,
        resumeIdleMs: 0,
      };
      const first = storeClient(s3);
      first.middlewareStack.add(dyingAfter(2), { step: "finalizeRequest", name: "dying" });
      await expect(putBackup({ ...base, client: first })).rejects.toBeDefined();
      first.destroy();
      // The re-run takes it over, then fails (a network error, not a kill: it could clean up).
      const events: string[] = [];
      const second = storeClient(s3);
      second.middlewareStack.add(failingPartAfter(1), { step: "finalizeRequest", name: "fail" });
      await expect(
        putBackup({ ...base, client: second, onEvent: (e) => events.push(e) }),
      ).rejects.toBeDefined();
      second.destroy();
      expect(events).toContain("upload.resume.found");
      expect(await openUploads(key)).toBe(1); // not aborted: it was the first run's
    });

    it("resumes an SSE-KMS upload made with the same key (the probe part's answer names it)", async () => {
      const bytes = randomBytes(12 * MIB);
      const key = "sse-kms/neo4j/neo4j-20261124T000000Z.dump";
      const file = dumpFile(bytes, "20261124T000000Z");
      const base = {
        bucket,
        ...at(key),
        file,
        partSize: 5 * MIB,
        concurrency: 1,
        resumeIdleMs: 0,
        sse: { mode: "aws:kms", kmsKeyId: s3.kmsKeyId } as const,
      };
      const dying = storeClient(s3);
      dying.middlewareStack.add(dyingAfter(2), { step: "finalizeRequest", name: "dying" });
      await expect(putBackup({ ...base, client: dying })).rejects.toBeDefined();
      dying.destroy();
      let reused = -1;
      const rerun = storeClient(s3);
      const result = await putBackup({
        ...base,
        client: rerun,
        onProgress: (p) => (reused = p.bytesReused),
      });
      rerun.destroy();
      expect(reused).toBe(10 * MIB);
      expect(result.sha256).toBe(sha(bytes));
      expect(await openUploads(key)).toBe(0);
    });

    it("does not resume an upload made with other encryption settings (SSE-S3 vs SSE-KMS)", async () => {
      const bytes = randomBytes(12 * MIB);
      const key = "sse-differs/neo4j/neo4j-20261121T000000Z.dump";
      const file = dumpFile(bytes, "20261121T000000Z");
      const base = { bucket, ...at(key), file, partSize: 5 * MIB, concurrency: 1, resumeIdleMs: 0 };
      const dying = storeClient(s3);
      dying.middlewareStack.add(dyingAfter(2), { step: "finalizeRequest", name: "dying" });
      await expect(
        putBackup({ ...base, client: dying, sse: { mode: "AES256" } }),
      ).rejects.toBeDefined();
      dying.destroy();
      const events: string[] = [];
      let reused = -1;
      const rerun = storeClient(s3);
      const result = await putBackup({
        ...base,
        client: rerun,
        sse: { mode: "aws:kms", kmsKeyId: s3.kmsKeyId },
        onEvent: (e) => events.push(e),
        onProgress: (p) => (reused = p.bytesReused),
      });
      rerun.destroy();
      expect(events).toContain("upload.resume.sse-differs");
      expect(reused).toBe(0);
      expect(result.meta.storage?.sse).toBe("aws:kms");
      expect(await openUploads(key)).toBe(1); // the SSE-S3 one, left alone
    });

    it("shows what MinIO keeps of a part's SHA-256: ListParts names the algorithm and returns each part's ChecksumSHA256", async () => {
      const key = "listparts/neo4j/neo4j-20261122T000000Z.dump";
      const created = await client.send(
        new CreateMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          ChecksumAlgorithm: "SHA256",
          ChecksumType: "COMPOSITE",
        }),
      );
      const part = randomBytes(MIB);
      const digest = createHash("sha256").update(part).digest("base64");
      const sent = await client.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId: created.UploadId,
          PartNumber: 1,
          Body: part,
          ChecksumSHA256: digest,
        }),
      );
      const listed = await client.send(
        new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: created.UploadId }),
      );
      const uploads = await client.send(
        new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }),
      );
      await client.send(
        new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: created.UploadId }),
      );
      expect(sent.ChecksumSHA256).toBe(digest);
      expect(listed.ChecksumAlgorithm).toBe("SHA256");
      expect(listed.Parts?.map((p) => [p.PartNumber, p.ChecksumSHA256])).toEqual([[1, digest]]);
      // MinIO names the algorithm only in ListParts (AWS and versitygw also in this listing).
      const open = uploads.Uploads?.find((u) => u.UploadId === created.UploadId);
      expect(open?.ChecksumAlgorithm).toBeUndefined();
    });
  },
);
