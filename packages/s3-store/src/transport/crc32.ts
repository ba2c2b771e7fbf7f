import { createRequire } from "node:module";
import { crc32 as zlibCrc32 } from "node:zlib";

/** CRC32 (IEEE, as S3's `x-amz-checksum-crc32` carries it) of `data`, continuing `previous`. */
type Crc32 = (data: Uint8Array, previous?: number) => number;

export type Crc32Implementation = "@node-rs/crc32" | "node:zlib";

let loaded: { name: Crc32Implementation; crc32: Crc32 } | undefined;

/**
 * The same checksum whichever computes it: @node-rs/crc32 (SIMD carry-less multiply, ~9 GiB/s)
 * where its prebuilt binary exists for this platform, else Node's zlib (table-driven, ~2 GiB/s
 * from memory, ~6 GiB/s on a chunk still in the CPU cache). Loaded on first use with `require`,
 * so a platform without the binary falls back instead of failing to import, and a bundler
 * leaves the native module alone.
 */
export function crc32(data: Uint8Array, previous = 0): number {
  loaded ??= loadCrc32();
  return loaded.crc32(data, previous);
}

/** Which implementation {@link crc32} uses here (loads it). */
export function crc32Implementation(): Crc32Implementation {
  loaded ??= loadCrc32();
  return loaded.name;
}

/** Exported for tests: `load` stands in for `require("@node-rs/crc32")`. */
export function loadCrc32(
  load: () => { crc32: Crc32 } = () =>
    createRequire(import.meta.url)("@node-rs/crc32") as { crc32: Crc32 },
): { name: Crc32Implementation; crc32: Crc32 } {
  try {
    const native = load().crc32;
    // A binary that loads but disagrees with zlib is not used: CRC32's check value, whole and
    // continued from a previous CRC as the part chunks are.
    const check = 0xcbf43926;
    if (
      native(Buffer.from("123456789")) === check &&
      native(Buffer.from("56789"), native(Buffer.from("1234"))) === check
    ) {
      return { name: "@node-rs/crc32", crc32: native };
    }
  } catch {
    // No binary for this platform, or optional dependencies were not installed.
  }
  return { name: "node:zlib", crc32: (data, previous = 0) => zlibCrc32(data, previous) };
}
