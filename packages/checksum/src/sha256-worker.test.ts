import { createHash, randomBytes } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { Sha256WorkerPassThrough } from "./index.js";

const sha = (b: Buffer) => createHash("sha256").update(b).digest();

/** Run `parts` through the stream; return its digest and the bytes that came out the other side. */
async function run(
  parts: Buffer[],
  options?: ConstructorParameters<typeof Sha256WorkerPassThrough>[0],
) {
  const hasher = new Sha256WorkerPassThrough(options);
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(parts),
    hasher,
    new Writable({
      write(chunk: Buffer, _e, done) {
        out.push(chunk);
        done();
      },
    }),
  );
  return { digest: hasher.digest(), out: Buffer.concat(out) };
}

describe("Sha256WorkerPassThrough", () => {
  it("hashes exactly the bytes in order across batch boundaries, with backpressure, and passes them on", async () => {
    const bytes = randomBytes(1_000_003);
    // Uneven chunks, many more bytes than the two 64 KiB batches: the stream waits for the worker.
    const parts: Buffer[] = [];
    for (let at = 0, n = 1; at < bytes.length; at += n, n = (n * 7 + 13) % 50_000)
      parts.push(bytes.subarray(at, Math.min(bytes.length, at + n)));
    const { digest, out } = await run(parts, { batchBytes: 64 * 1024, batches: 2 });
    expect(digest).toEqual({
      hex: sha(bytes).toString("hex"),
      base64: sha(bytes).toString("base64"),
      size: bytes.length,
    });
    expect(out.equals(bytes)).toBe(true);
  });

  it("gives another digest when one byte differs, and the empty digest for no bytes", async () => {
    const bytes = randomBytes(300_000);
    const changed = Buffer.from(bytes);
    changed[299_999] = 0xff - bytes[299_999]!;
    const [a, b] = await Promise.all([run([bytes]), run([changed])]);
    expect(a.digest.hex).toBe(sha(bytes).toString("hex"));
    expect(b.digest.hex).toBe(sha(changed).toString("hex"));
    expect((await run([])).digest).toMatchObject({
      hex: sha(Buffer.alloc(0)).toString("hex"),
      size: 0,
    });
  });

  it("ends its worker when destroyed mid-stream", async () => {
    const hasher = new Sha256WorkerPassThrough();
    const failed = new Promise((resolve) => hasher.once("error", resolve));
    const closed = new Promise((resolve) => hasher.once("close", resolve));
    hasher.write(randomBytes(1000));
    hasher.destroy(new Error("source failed"));
    await expect(failed).resolves.toMatchObject({ message: "source failed" });
    await closed;
    expect(() => hasher.digest()).toThrow(/before the stream ended/);
  });
});
