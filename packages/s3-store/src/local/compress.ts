import { Sha256PassThrough, type Sha256Digest } from "@nbs/checksum";
import { NbsError } from "@nbs/errors";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import type { Transform } from "node:stream";

export interface Compressed {
  path: string;
  original: Sha256Digest;
  cleanup: () => Promise<void>;
}

/**
 * Compress into a private temp dir, hashing the original on the way. The compressed copy is
 * what gets uploaded (and re-read by retries); it is removed whatever happens.
 */
export async function compressToTemp(
  source: string,
  algorithm: "zstd" | "gzip",
  options: { signal?: AbortSignal | undefined; tempDir?: string | undefined },
): Promise<Compressed> {
  const { signal } = options;
  const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), "nbs-upload-"));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const path = join(dir, `${basename(source)}${algorithm === "zstd" ? ".zst" : ".gz"}`);
  const tap = new Sha256PassThrough();
  try {
    await pipeline(
      createReadStream(source, { highWaterMark: 1024 * 1024 }),
      tap,
      compressor(algorithm),
      createWriteStream(path, { mode: 0o600 }),
      signal ? { signal } : {},
    );
    return { path, original: tap.digest(), cleanup };
  } catch (error) {
    await cleanup();
    if (signal?.aborted)
      throw new NbsError("INTERRUPTED", "interrupted while compressing; nothing was uploaded", {
        cause: error,
      });
    throw new NbsError(
      "COMPRESS_FAILED",
      `compressing ${source} failed: ${(error as Error).message}`,
      {
        hint: "check free space in the temp dir (TMPDIR, or the tempDir option)",
        cause: error,
      },
    );
  }
}

function compressor(algorithm: "zstd" | "gzip"): Transform {
  if (algorithm === "gzip") return zlib.createGzip({ level: 6 });
  // Deterministic output for the same input and Node version, so re-runs map to identical bytes.
  return zlib.createZstdCompress({ params: { [zlib.constants.ZSTD_c_compressionLevel]: 3 } });
}
