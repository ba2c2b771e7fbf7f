import { Transform, type TransformCallback } from "node:stream";
import { Worker } from "node:worker_threads";
import type { Sha256Digest } from "./sha256.js";

// The worker: hashes each batch in the order it arrives and hands its buffer back for reuse.
// CommonJS source (an eval worker), so a bundled program needs no separate worker file.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const hash = createHash("sha256");
parentPort.on("message", (m) => {
  if (m.done) {
    const raw = hash.digest();
    parentPort.postMessage({ hex: raw.toString("hex"), base64: raw.toString("base64") });
    parentPort.close();
    return;
  }
  hash.update(new Uint8Array(m.buffer, 0, m.length));
  parentPort.postMessage({ buffer: m.buffer }, [m.buffer]);
});
`;

export interface Sha256WorkerOptions {
  /** Bytes per batch handed to the worker. Default 256 KiB. */
  batchBytes?: number;
  /** Batches in flight (memory: batches × batchBytes). Default 4. */
  batches?: number;
}

/**
 * A pass-through stream that hashes what flows through it on a worker thread, so the sha256 of
 * a download runs in parallel with the TLS decryption and parsing on the main thread. The bytes
 * are copied, in order, into a few reused batch buffers that the worker hashes in the order they
 * were sent: the digest is that of exactly the bytes passed through. Read `digest()` after the
 * stream finished.
 */
export class Sha256WorkerPassThrough extends Transform {
  readonly #batchBytes: number;
  readonly #free: ArrayBuffer[] = [];
  readonly #worker: Worker;
  #current: Uint8Array | undefined;
  #filled = 0;
  #size = 0;
  #waiting: (() => void) | undefined;
  #result: ((digest: { hex: string; base64: string }) => void) | undefined;
  #failed: ((error: Error) => void) | undefined;
  #digest: Sha256Digest | undefined;

  constructor(options: Sha256WorkerOptions = {}) {
    super();
    this.#batchBytes = options.batchBytes ?? 256 * 1024;
    for (let i = 0; i < (options.batches ?? 4); i++)
      this.#free.push(new ArrayBuffer(this.#batchBytes));
    // A small heap: the worker holds one hash and the message in hand.
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
    });
    this.#worker.on("message", (m: { buffer?: ArrayBuffer; hex?: string; base64?: string }) => {
      if (m.buffer) {
        this.#free.push(m.buffer);
        const resume = this.#waiting;
        this.#waiting = undefined;
        resume?.();
      } else if (m.hex !== undefined && m.base64 !== undefined) {
        this.#result?.({ hex: m.hex, base64: m.base64 });
      }
    });
    this.#worker.on("error", (error) => {
      if (this.#failed) this.#failed(error);
      else this.destroy(error);
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#size += chunk.byteLength;
    this.#copy(chunk, 0, () => done(null, chunk));
  }

  override _flush(done: TransformCallback): void {
    if (this.#current && this.#filled > 0) this.#send();
    new Promise<{ hex: string; base64: string }>((resolve, reject) => {
      this.#result = resolve;
      this.#failed = reject;
      this.#worker.postMessage({ done: true });
    }).then(
      (d) => {
        this.#digest = { ...d, size: this.#size };
        done();
      },
      (error: Error) => done(error),
    );
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    void this.#worker.terminate();
    done(error);
  }

  digest(): Sha256Digest {
    if (!this.#digest) throw new Error("Sha256WorkerPassThrough: digest() before the stream ended");
    return this.#digest;
  }

  /** Copy chunk[from..] into batches, sending each full one; `then` once all of it is copied. */
  #copy(chunk: Buffer, from: number, then: () => void): void {
    while (from < chunk.byteLength) {
      if (this.#current === undefined) {
        const buffer = this.#free.pop();
        if (buffer === undefined) {
          // Every batch is with the worker: continue when one comes back (backpressure).
          this.#waiting = () => this.#copy(chunk, from, then);
          return;
        }
        this.#current = new Uint8Array(buffer);
        this.#filled = 0;
      }
      const n = Math.min(this.#batchBytes - this.#filled, chunk.byteLength - from);
      this.#current.set(chunk.subarray(from, from + n), this.#filled);
      this.#filled += n;
      from += n;
      if (this.#filled === this.#batchBytes) this.#send();
    }
    then();
  }

  #send(): void {
    const buffer = this.#current!.buffer as ArrayBuffer;
    this.#worker.postMessage({ buffer, length: this.#filled }, [buffer]);
    this.#current = undefined;
    this.#filled = 0;
  }
}
