import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import zlib from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { fetchHashing } from "./download.js";

const dir = mkdtempSync(join(tmpdir(), "nbs-fetch-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const chunks = (b: Buffer) => Readable.from([b.subarray(0, 1000), b.subarray(1000)]);

describe("fetchHashing", () => {
  it("writes the bytes and hashes them in the same pass, reporting progress", async () => {
    const bytes = randomBytes(5000);
    const seen: number[] = [];
    const result = await fetchHashing(chunks(bytes), join(dir, "a.dump"), {
      total: 5000,
      onProgress: (p) => seen.push(p.bytes),
    });
    expect(result).toEqual({ stored: expect.objectContaining({ hex: sha(bytes), size: 5000 }) });
    expect(readFileSync(join(dir, "a.dump")).equals(bytes)).toBe(true);
    expect(seen).toEqual([1000, 5000]);
  });

  it("undoes nbs's zstd compression on the way, hashing both sides", async () => {
    const original = Buffer.alloc(100_000, "neo4j ");
    const packed = zlib.zstdCompressSync(original);
    const result = await fetchHashing(chunks(packed), join(dir, "b.dump"), {
      total: packed.length,
      compression: "zstd",
    });
    expect(result.stored).toMatchObject({ hex: sha(packed), size: packed.length });
    expect(result.original).toMatchObject({ hex: sha(original), size: original.length });
    expect(readFileSync(join(dir, "b.dump")).equals(original)).toBe(true);
  });

  it("fails DECOMPRESS_FAILED (integrity) when the stream does not decompress", async () => {
    const garbage = Buffer.concat([Buffer.from([0x1f, 0x8b]), randomBytes(2000)]);
    await expect(
      fetchHashing(chunks(garbage), join(dir, "c.dump"), {
        total: garbage.length,
        compression: "gzip",
      }),
    ).rejects.toMatchObject({
      code: "DECOMPRESS_FAILED",
      category: "INTEGRITY",
      message: expect.stringContaining("the gzip stream does not decompress"),
    });
  });

  it("passes a source that fails mid-body through as the source's error, not as a write failure", async () => {
    const timedOut = Object.assign(new Error("socket went quiet"), { name: "TimeoutError" });
    const source = new Readable({ read() {} });
    source.push(randomBytes(1000));
    setTimeout(() => source.destroy(timedOut), 20);
    await expect(fetchHashing(source, join(dir, "cut.dump"), { total: 5000 })).rejects.toBe(
      timedOut,
    );
  });

  it("fails WORK_DIR_NOT_WRITABLE (input) when the workspace cannot be written", async () => {
    await expect(
      fetchHashing(chunks(randomBytes(10)), join(dir, "missing", "d.dump"), { total: 10 }),
    ).rejects.toMatchObject({
      code: "WORK_DIR_NOT_WRITABLE",
      category: "INPUT",
      message: expect.stringContaining("ENOENT"),
    });
  });
});
