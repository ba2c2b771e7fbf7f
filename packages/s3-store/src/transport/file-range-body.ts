import { open, type FileHandle } from "node:fs/promises";
import { Readable, type Writable } from "node:stream";
import { readExactly } from "./read-file.js";

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

  open(chunkBytes: number): Readable {
    return new FileRangeStream(this.path, this.start, this.length, chunkBytes);
  }
}

/** Read buffers per stream: enough to keep the socket busy while the others are written. */
const RING = 4;

/**
 * Streams a file range through a ring of reused buffers. Fresh buffers per chunk (what
 * fs.createReadStream does) pile up as garbage until V8 collects external memory (after some
 * 64 MiB), +40 MiB RSS with two 512 MiB parts in flight. A buffer is reused only once every chunk
 * pushed before it has been read and fully written by the destination it is piped to (its
 * writableLength back to 0: each write's callback has fired). Not piped, it never reuses.
 */
class FileRangeStream extends Readable {
  private fh: FileHandle | undefined;
  private position: number;
  private readonly end: number;
  private readonly ring: Buffer[] = [];
  private free: Buffer[] = [];
  private destination: Writable | undefined;

  constructor(
    private readonly path: string,
    start: number,
    length: number,
    private readonly chunkBytes: number,
  ) {
    super({ highWaterMark: chunkBytes });
    this.position = start;
    this.end = start + length;
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    const writable = destination as unknown as Writable;
    this.destination = writable;
    // pipe() does not pass a source error on: the request would wait for its idle timeout.
    this.once("error", (error) => writable.destroy(error));
    // An attempt that failed unpipes its body: close the file now, not at garbage collection.
    this.once("unpipe", () => this.destroy());
    return super.pipe(destination, options);
  }

  override _read(): void {
    this.next().then(
      (chunk) => this.push(chunk),
      (error: unknown) => this.destroy(error as Error),
    );
  }

  private async next(): Promise<Buffer | null> {
    if (this.position >= this.end) return null;
    this.fh ??= await open(this.path, "r");
    const size = Math.min(this.chunkBytes, this.end - this.position);
    const buffer = (await this.takeBuffer()).subarray(0, size);
    await readExactly(this.fh, buffer, size, this.position);
    this.position += size;
    return buffer;
  }

  private async takeBuffer(): Promise<Buffer> {
    const destination = this.destination;
    if (destination === undefined) return Buffer.allocUnsafe(this.chunkBytes);
    const reused = this.free.pop();
    if (reused) return reused;
    if (this.ring.length < RING) {
      const fresh = Buffer.allocUnsafe(this.chunkBytes);
      this.ring.push(fresh);
      return fresh;
    }
    // Every buffer is out: wait until all were consumed and written, then reuse them all.
    while (this.readableLength > 0 || destination.writableLength > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          destination.off("drain", done);
          clearTimeout(timer);
          resolve();
        };
        destination.once("drain", done);
        const timer = setTimeout(done, 5); // no drain when no write ever returned false
      });
      if (this.destroyed) throw new Error("the part stream was destroyed");
    }
    this.free = this.ring.slice(1);
    return this.ring[0]!;
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const fh = this.fh;
    this.fh = undefined;
    if (fh === undefined) callback(error);
    else
      fh.close().then(
        () => callback(error),
        () => callback(error),
      );
  }
}
