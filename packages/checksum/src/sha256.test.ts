import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import {
  Sha256Accumulator,
  Sha256PassThrough,
  computeSha256,
  sha256Base64ToHex,
  sha256File,
  sha256HexToBase64,
} from "./index.js";

const EMPTY_HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

function fixture(bytes: Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), "nbs-checksum-")), "f.bin");
  writeFileSync(path, bytes);
  return path;
}

describe("sha256", () => {
  it("hashes a file to the same digest as sha256sum", async () => {
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 0);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) % 251;
    const path = fixture(bytes);
    const expected = execFileSync("sha256sum", [path], { encoding: "utf8" }).split(" ")[0];
    const digest = await sha256File(path);
    expect(digest.hex).toBe(expected);
    expect(digest.size).toBe(bytes.length);
    expect(sha256Base64ToHex(digest.base64)).toBe(expected);
  });

  it("hashes an empty file, and stops when aborted", async () => {
    expect(await sha256File(fixture(Buffer.alloc(0)))).toMatchObject({ hex: EMPTY_HEX, size: 0 });
    const aborted = AbortSignal.abort(new Error("stop"));
    await expect(sha256File(fixture(Buffer.alloc(10)), { signal: aborted })).rejects.toThrow(
      "stop",
    );
  });

  it("gives the same digest whether fed in chunks or at once", async () => {
    const data = Buffer.from("neo4j dump bytes ".repeat(1000));
    const acc = new Sha256Accumulator();
    for (let i = 0; i < data.length; i += 7) acc.update(data.subarray(i, i + 7));
    const whole = await computeSha256(Readable.from([data]));
    expect(acc.digest()).toEqual(whole);
  });

  it("passes bytes through unchanged while hashing them", async () => {
    const tap = new Sha256PassThrough();
    const out: Buffer[] = [];
    await pipeline(Readable.from([Buffer.from("abc"), Buffer.from("def")]), tap, async (src) => {
      for await (const c of src) out.push(c as Buffer);
    });
    expect(Buffer.concat(out).toString()).toBe("abcdef");
    expect(tap.digest().hex).toBe(
      "bef57ec7f53a6d40beb640a780a639c83bc29ac8a9816f1fc6c5c6dcd93c4721",
    );
  });

  it("hashes an empty stream", async () => {
    expect((await computeSha256(Readable.from([]))).hex).toBe(EMPTY_HEX);
  });

  it("refuses updates after the digest was taken", () => {
    const acc = new Sha256Accumulator();
    acc.digest();
    expect(() => acc.update(Buffer.from("x"))).toThrow(/after digest/);
  });

  it("converts between hex and base64 and rejects malformed input", () => {
    expect(sha256Base64ToHex(sha256HexToBase64(EMPTY_HEX))).toBe(EMPTY_HEX);
    expect(() => sha256HexToBase64("xyz")).toThrow(TypeError);
    expect(() => sha256Base64ToHex("AAAA")).toThrow(TypeError);
  });
});
