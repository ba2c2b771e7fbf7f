import type { BuildMiddleware, HttpRequest, Pluggable } from "@smithy/types";
import { FileRangeBody } from "./file-range-body.js";

/**
 * Whether the SigV4 signature covers the sha256 of each multipart part's bytes.
 *
 * - `auto` (default): signed over http, `UNSIGNED-PAYLOAD` over https, where TLS already
 *   authenticates every byte in transit — the rule of aws-cli/botocore, rclone and minio-go.
 * - `always`: always signed (one extra sha256 pass over the data on the client and the server).
 * - `never`: never signed, also over plain http; each part is then protected only against
 *   corruption (its checksum), not against someone on the network who rewrites it.
 *
 * Only parts that carry a checksum header (SHA-256 or CRC32) are ever sent unsigned: the store
 * still rejects a part whose bytes do not match what nbs read from the file.
 */
export type PayloadSigning = "auto" | "always" | "never";

export const PAYLOAD_SIGNING_MODES: readonly PayloadSigning[] = ["auto", "always", "never"];

const UNSIGNED = "UNSIGNED-PAYLOAD";
const SHA256_HEADER = "x-amz-content-sha256";
const CHECKSUM_HEADERS = new Set(["x-amz-checksum-sha256", "x-amz-checksum-crc32"]);

/**
 * Set to `true` on an UploadPart input to sign that part whatever the mode: the fall-back for a
 * store that does not confirm part checksums. Serializers send only modelled members, so the
 * marker never reaches the wire.
 */
export const SIGN_PAYLOAD = "nbsSignPayload";

/** Decide for one request; pure, so the rule is unit-tested on its own. */
export function signsPayload(
  mode: PayloadSigning,
  protocol: string,
  hasChecksum: boolean,
): boolean {
  if (!hasChecksum || mode === "always") return true;
  if (mode === "never") return false;
  return protocol !== "https:";
}

/** Client plugin: UploadPart requests that carry a checksum go unsigned where the mode allows. */
export function payloadSigningPlugin<I extends object, O extends object>(
  mode: PayloadSigning,
): Pluggable<I, O> {
  const middleware: BuildMiddleware<I, O> = (next, context) => (args) => {
    if (context.commandName === "UploadPartCommand") {
      const request = args.request as HttpRequest;
      const hasChecksum = Object.keys(request.headers).some((h) =>
        CHECKSUM_HEADERS.has(h.toLowerCase()),
      );
      const forced = (args.input as Record<string, unknown>)[SIGN_PAYLOAD] === true;
      if (!forced && !signsPayload(mode, request.protocol, hasChecksum))
        request.headers[SHA256_HEADER] = UNSIGNED;
      // A part streamed from the file cannot be hashed by the signer: it signs the sha256 of
      // the range taken in the hashing pass (the store rejects the part if the bytes differ).
      else if (request.body instanceof FileRangeBody)
        request.headers[SHA256_HEADER] = request.body.sha256Hex;
    }
    return next(args);
  };
  return {
    applyToStack(stack) {
      stack.add(middleware, { step: "build", name: "nbsPayloadSigning", priority: "low" });
    },
  };
}
