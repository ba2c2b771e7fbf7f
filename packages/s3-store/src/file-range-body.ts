import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";

/**
 * A part body that is a range of the dump file, not bytes in memory: large parts (up to ~525 MiB
 * at 5 TiB) are streamed from the file, which the page cache serves after the hashing pass.
 * Each attempt opens a fresh stream (see bodyChunksPlugin), so retries re-send from the start.
 * `sha256Hex` is the range's sha256 from the hashing pass: the signature when the part is signed.
 */
export class FileRangeBody {
  constructor(
    readonly path: string,
    readonly start: number,
    readonly length: number,
    readonly sha256Hex: string,
  ) {}

  open(highWaterMark: number): Readable {
    return createReadStream(this.path, {
      start: this.start,
      end: this.start + this.length - 1,
      highWaterMark,
    });
  }
}
