import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { FileRangeBody } from "./file-range-body.js";

/**
 * A destination that accepts every chunk at once (a large high-water mark, so the pipe never
 * pauses) and "writes" each only later, keeping the chunk by reference as a socket does.
 */
function slowSink(written: Buffer[]): Writable {
  return new Writable({
    highWaterMark: 64 * 1024 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      setTimeout(() => {
        written.push(Buffer.from(chunk)); // copied only when the write completes
        callback();
      }, 2);
    },
  });
}

describe("FileRangeBody", () => {
  it("streams exactly its range, reusing read buffers only after the destination wrote them", async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const path = join(mkdtempSync(join(tmpdir(), "nbs-range-")), "dump");
    writeFileSync(path, bytes);
    const start = 1000;
    const length = bytes.length - 2000;
    const written: Buffer[] = [];
    // 64 KiB chunks: ~48 reads through a ring of four buffers.
    await pipeline(new FileRangeBody(path, start, length, "").open(64 * 1024), slowSink(written));
    expect(Buffer.concat(written).equals(bytes.subarray(start, start + length))).toBe(true);
  });
});
