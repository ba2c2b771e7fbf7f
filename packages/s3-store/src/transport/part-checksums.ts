import { createHash } from "node:crypto";
import { crc32 } from "./crc32.js";

/** CRC32 of a part as S3 wants it: 4 bytes big-endian, base64. */
export function crc32Base64(bytes: Uint8Array): string {
  return crc32ToBase64(crc32(bytes));
}

function crc32ToBase64(crc: number): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc);
  return out.toString("base64");
}

/** S3's checksum of a multipart object: CRC32 over the parts' binary CRC32s, then `-<parts>`. */
export function compositeCrc32(partCrcs: readonly string[]): string {
  const joined = Buffer.concat(partCrcs.map((c) => Buffer.from(c, "base64")));
  return `${crc32Base64(joined)}-${partCrcs.length}`;
}

export const unquote = (etag: string | undefined): string => (etag ?? "").replace(/^"|"$/g, "");

/** S3's ETag of a multipart object: md5 of the parts' binary MD5 ETags, then `-<parts>`. */
export function multipartEtag(partEtags: readonly string[]): string {
  const md5 = createHash("md5");
  for (const etag of partEtags) md5.update(Buffer.from(unquote(etag), "hex"));
  return `${md5.digest("hex")}-${partEtags.length}`;
}

/** The checksum each part carries (x-amz-checksum-*), checked by the store and echoed back. */
export type PartAlgorithm = "SHA256" | "CRC32";

/** A part's checksum, computed chunk by chunk as the part is read. */
export interface PartHash {
  update(chunk: Uint8Array): void;
  /** base64, as S3 wants it. */
  digest(): string;
}

export function partHash(algorithm: PartAlgorithm): PartHash {
  if (algorithm === "SHA256") {
    const hash = createHash("sha256");
    return { update: (chunk) => hash.update(chunk), digest: () => hash.digest("base64") };
  }
  let crc = 0;
  return { update: (chunk) => (crc = crc32(chunk, crc)), digest: () => crc32ToBase64(crc) };
}

/**
 * S3's checksum of a multipart object made of parts with these checksums (COMPOSITE): the
 * algorithm over the parts' binary checksums, then `-<parts>`.
 */
export function compositeChecksum(algorithm: PartAlgorithm, parts: readonly string[]): string {
  if (algorithm === "CRC32") return compositeCrc32(parts);
  const sha = createHash("sha256");
  for (const part of parts) sha.update(Buffer.from(part, "base64"));
  return `${sha.digest("base64")}-${parts.length}`;
}
