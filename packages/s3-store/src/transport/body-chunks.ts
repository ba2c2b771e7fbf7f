import type { DeserializeMiddleware, HttpRequest, Pluggable } from "@smithy/types";
import { Readable } from "node:stream";
import { FileRangeBody } from "./file-range-body.js";

/**
 * Slice size for part bodies on the wire. Measured on https (1 GiB, 8 MiB × 3): 256 KiB and
 * 1 MiB slices cost ~0.4 s of wall time (each slice waits for the event loop, which is busy
 * hashing); 2 MiB is as fast as whole parts and holds at most 3 × 2 MiB of ciphertext.
 */
export const BODY_CHUNK_BYTES = 2 * 1024 * 1024;

/**
 * Client plugin: a part's Buffer goes out as a stream of views of it, never copied. Handed over
 * whole, an https socket encrypts all of it at once and holds the ciphertext until the network
 * takes it: one more part-sized buffer per part in flight (+24 MiB at 8 MiB × 3, measured). Streamed,
 * the TLS layer holds about one slice at a time. It runs below the retry and signing middleware and
 * leaves their request alone, so a retried attempt streams the same bytes again from the start.
 */
export function bodyChunksPlugin<I extends object, O extends object>(): Pluggable<I, O> {
  const middleware: DeserializeMiddleware<I, O> = (next, context) => (args) => {
    const request = args.request as HttpRequest;
    const body: unknown = request.body;
    if (body instanceof FileRangeBody) {
      return next({ ...args, request: { ...request, body: body.open(BODY_CHUNK_BYTES) } });
    }
    if (
      context.commandName === "UploadPartCommand" &&
      body instanceof Uint8Array &&
      body.byteLength > BODY_CHUNK_BYTES
    ) {
      const chunked = sliced(body);
      return next({ ...args, request: { ...request, body: chunked } });
    }
    return next(args);
  };
  return {
    applyToStack(stack) {
      stack.add(middleware, { step: "deserialize", name: "nbsBodyChunks", priority: "low" });
    },
  };
}

/** A stream of views of `bytes`, produced synchronously on demand (no async iteration). */
function sliced(bytes: Uint8Array): Readable {
  let at = 0;
  return new Readable({
    highWaterMark: BODY_CHUNK_BYTES,
    read() {
      if (at >= bytes.byteLength) {
        this.push(null);
        return;
      }
      const end = Math.min(at + BODY_CHUNK_BYTES, bytes.byteLength);
      this.push(Buffer.from(bytes.buffer, bytes.byteOffset + at, end - at));
      at = end;
    },
  });
}
