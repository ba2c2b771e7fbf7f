const HEX_SHA256 = /^[0-9a-f]{64}$/;

export function isSha256Hex(value: string): boolean {
  return HEX_SHA256.test(value);
}

/** S3 reports checksums in base64; our metadata stores hex. */
export function sha256HexToBase64(hex: string): string {
  if (!isSha256Hex(hex)) throw new TypeError(`not a lowercase hex sha256: ${JSON.stringify(hex)}`);
  return Buffer.from(hex, "hex").toString("base64");
}

export function sha256Base64ToHex(base64: string): string {
  const raw = Buffer.from(base64, "base64");
  if (raw.byteLength !== 32) throw new TypeError(`not a base64 sha256: ${JSON.stringify(base64)}`);
  return raw.toString("hex");
}
