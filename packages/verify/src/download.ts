import { Sha256PassThrough, type Sha256Digest } from "@nbs/checksum";
import { type CompressionInfo } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import { createWriteStream } from "node:fs";
import { dirname } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import type { VerifyProgress } from "./events.js";

export interface FetchResult {
  /** The bytes as read from the source (what the sidecar's sha256 and size describe). */
  stored: Sha256Digest;
  /** The bytes written to `dest` after undoing nbs's own compression, when there was some. */
  original?: Sha256Digest;
}

export interface FetchOptions {
  total: number;
  compression?: CompressionInfo["algorithm"] | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: VerifyProgress) => void) | undefined;
}

/**
 * Copy a source into `dest` in ONE pass, hashing on the way (docs/architecture.md §10): source →
 * progress → sha256 → [decompress → sha256] → file. Nothing is read twice, memory is bounded.
 */
export async function fetchHashing(
  source: Readable,
  dest: string,
  options: FetchOptions,
): Promise<FetchResult> {
  const stored = new Sha256PassThrough();
  let bytes = 0;
  const progress = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      options.onProgress?.({ bytes, total: options.total });
      done(null, chunk);
    },
  });
  const out = createWriteStream(dest, { mode: 0o600, flags: "wx" });
  let failedAt: "source" | "decompress" | "write" | undefined;
  // The first stage to fail is the culprit; pipeline then destroys the others with the same error
  // (a body cut short or timed out reaches the file as that error: still the source's fault).
  const blame = (stage: "source" | "decompress" | "write") => () => {
    failedAt ??= stage;
  };
  source.once("error", blame("source"));
  out.once("error", blame("write"));
  const signal = options.signal ? { signal: options.signal } : {};
  try {
    if (options.compression === undefined) {
      await pipeline(source, progress, stored, out, signal);
      return { stored: stored.digest() };
    }
    const inflate = decompressor(options.compression);
    inflate.once("error", blame("decompress"));
    const original = new Sha256PassThrough();
    await pipeline(source, progress, stored, inflate, original, out, signal);
    return { stored: stored.digest(), original: original.digest() };
  } catch (error) {
    if (options.signal?.aborted)
      throw new NbsError("INTERRUPTED", "download interrupted", { cause: error });
    if (failedAt === "decompress") {
      throw new NbsError(
        "DECOMPRESS_FAILED",
        `the ${options.compression} stream does not decompress after ${bytes} bytes: ${(error as Error).message}`,
        {
          hint: "the stored bytes are corrupt or not what the sidecar's compression says",
          cause: error,
        },
      );
    }
    if (failedAt === "write") throw writeFailed(error as NodeJS.ErrnoException, dest, bytes);
    throw error;
  }
}

/** A local disk problem (exit 3), named in words: "ENOSPC" alone leaves an operator guessing. */
function writeFailed(error: NodeJS.ErrnoException, dest: string, bytes: number): NbsError {
  const dir = dirname(dest);
  const full = error.code === "ENOSPC" || error.code === "EDQUOT";
  return new NbsError(
    full ? "DISK_FULL" : "WORK_DIR_NOT_WRITABLE",
    full
      ? `no space left in ${dir} (${error.code}) after ${bytes} bytes of the download`
      : `cannot write the download to ${dest}: ${error.code ?? error.message}`,
    {
      hint: full
        ? "free space there, or pass --work-dir on a filesystem with room for the dump (and for --mode check/load, the restored database)"
        : "check permissions of the work directory (--work-dir)",
      cause: error,
    },
  );
}

function decompressor(algorithm: CompressionInfo["algorithm"]): Transform {
  return algorithm === "gzip" ? zlib.createGunzip() : zlib.createZstdDecompress();
}
