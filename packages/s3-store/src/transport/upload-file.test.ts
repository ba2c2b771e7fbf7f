import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { createHash, randomBytes } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { putBackup } from "../index.js";
import {
  KEY,
  MIB,
  echoParts,
  file,
  headSidecarAsWritten,
  input,
  notFound,
  s3,
} from "../../test/s3-mock.js";
import { SIGN_PAYLOAD } from "./payload-signing.js";

beforeEach(() => s3.reset());

function multipartStore(bytes: Buffer) {
  s3.on(GetObjectCommand).rejects(notFound());
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: "u1", ServerSideEncryption: "AES256" });
  s3.on(CompleteMultipartUploadCommand).resolves({ ETag: '"m-3"' });
  s3.on(HeadObjectCommand, { Key: KEY })
    .rejectsOnce(notFound())
    .resolves({ ContentLength: bytes.length, ETag: '"m-3"', ServerSideEncryption: "AES256" });
  s3.on(PutObjectCommand).resolves({});
  headSidecarAsWritten(0);
}

describe("multipart parts are proven before the commit (SDK mocked)", () => {
  it("re-sends a part signed when the store does not echo its CRC32, and signs every later part", async () => {
    const bytes = Buffer.alloc(11 * MIB, 4);
    multipartStore(bytes);
    s3.on(UploadPartCommand).callsFake((part: { PartNumber: number }) =>
      Promise.resolve({ ETag: `"p${part.PartNumber}"`, ServerSideEncryption: "AES256" }),
    ); // accepted, checksum ignored: no echo
    const events: string[] = [];
    const result = await putBackup(
      input(file(bytes), { partSize: 5 * MIB, concurrency: 1, onEvent: (e) => events.push(e) }),
    );
    expect(result.status).toBe("uploaded");
    const sent = s3.commandCalls(UploadPartCommand).map((c) => {
      const part = c.args[0].input as unknown as Record<string, unknown>;
      return [part["PartNumber"], part[SIGN_PAYLOAD] === true];
    });
    // part 1 as usual (unconfirmed), part 1 again signed, then parts 2 and 3 signed
    expect(sent).toEqual([
      [1, false],
      [1, true],
      [2, true],
      [3, true],
    ]);
    expect(events).toContain("upload.checksum.unconfirmed");
  });

  it("never commits when the store echoes a different SHA-256 for a part", async () => {
    const bytes = Buffer.alloc(11 * MIB, 4);
    multipartStore(bytes);
    s3.on(UploadPartCommand).resolves({
      ETag: '"p"',
      ChecksumSHA256: createHash("sha256").update("x").digest("base64"),
      ServerSideEncryption: "AES256",
    });
    await expect(putBackup(input(file(bytes), { partSize: 5 * MIB }))).rejects.toMatchObject({
      code: "STORED_CHECKSUM_MISMATCH",
      message: expect.stringContaining("recorded SHA256"),
    });
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it("reuses one buffer per part in flight: no more than `concurrency` part buffers for any number of parts", async () => {
    const bytes = randomBytes(31 * MIB); // 7 parts of 5 MiB, each different
    multipartStore(bytes);
    echoParts();
    let inFlight = 0;
    let peak = 0;
    let corrupted = 0;
    const buffers = new Set<ArrayBufferLike>();
    s3.on(UploadPartCommand).callsFake(
      async (part: { PartNumber: number; ChecksumSHA256?: string; Body: Buffer }) => {
        buffers.add(part.Body.buffer);
        peak = Math.max(peak, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        // A buffer handed back too early would have been refilled with another part by now.
        const at = (part.PartNumber - 1) * 5 * MIB;
        if (!part.Body.equals(bytes.subarray(at, at + 5 * MIB))) corrupted += 1;
        inFlight--;
        return {
          ETag: `"p${part.PartNumber}"`,
          ChecksumSHA256: part.ChecksumSHA256,
          ServerSideEncryption: "AES256",
        };
      },
    );
    await putBackup(input(file(bytes), { partSize: 5 * MIB, concurrency: 2 }));
    expect(s3.commandCalls(UploadPartCommand)).toHaveLength(7);
    // At most `concurrency` parts in flight, all in the same `concurrency` buffers (a loaded
    // machine may read slower than parts finish, so fewer is fine).
    expect(peak).toBeLessThanOrEqual(2);
    expect(buffers.size).toBeLessThanOrEqual(2);
    expect(corrupted).toBe(0);
  });
});
