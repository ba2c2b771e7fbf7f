export { Sha256Accumulator, Sha256PassThrough, computeSha256, sha256File } from "./sha256.js";
export type { Sha256Digest } from "./sha256.js";
export { Sha256WorkerPassThrough } from "./sha256-worker.js";
export type { Sha256WorkerOptions } from "./sha256-worker.js";
export { isSha256Hex, sha256HexToBase64, sha256Base64ToHex } from "./encoding.js";
