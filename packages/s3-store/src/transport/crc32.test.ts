import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { crc32 as zlibCrc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32, crc32Implementation, loadCrc32 } from "./crc32.js";

const glibc = Boolean(
  (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header
    ?.glibcVersionRuntime,
);

describe("crc32", () => {
  it("uses the SIMD binary wherever it loads, and always on Linux x64/arm64 with glibc (CI)", () => {
    let loads = true;
    try {
      createRequire(import.meta.url)("@node-rs/crc32");
    } catch {
      loads = false;
    }
    const ci = process.platform === "linux" && ["x64", "arm64"].includes(process.arch) && glibc;
    expect(crc32Implementation()).toBe(ci || loads ? "@node-rs/crc32" : "node:zlib");
  });

  it("equals zlib's CRC32 for any length, whole or continued chunk by chunk", () => {
    const data = randomBytes(3 * 1024 * 1024 + 7);
    for (const length of [0, 1, 15, 16, 63, 64, 4097, data.length]) {
      expect(crc32(data.subarray(0, length))).toBe(zlibCrc32(data.subarray(0, length)));
    }
    let continued = 0;
    for (let at = 0; at < data.length; at += 1024 * 1024 - 5) {
      continued = crc32(data.subarray(at, at + 1024 * 1024 - 5), continued);
    }
    expect(continued).toBe(zlibCrc32(data));
  });

  it("falls back to zlib when the binary is missing or computes something else", () => {
    const data = randomBytes(1000);
    const missing = loadCrc32(() => {
      throw new Error("Cannot find module '@node-rs/crc32-linux-x64-gnu'");
    });
    const wrong = loadCrc32(() => ({ crc32: () => 42 }));
    const noContinuation = loadCrc32(() => ({ crc32: (d: Uint8Array) => zlibCrc32(d) }));
    for (const fallback of [missing, wrong, noContinuation]) {
      expect(fallback.name).toBe("node:zlib");
      expect(fallback.crc32(data)).toBe(zlibCrc32(data));
      expect(fallback.crc32(data.subarray(500), fallback.crc32(data.subarray(0, 500)))).toBe(
        zlibCrc32(data),
      );
    }
  });
});
