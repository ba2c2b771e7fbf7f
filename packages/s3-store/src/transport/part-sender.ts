import { UploadPartCommand, type UploadPartCommandInput } from "@aws-sdk/client-s3";
import { NbsError } from "@nbs/errors";
import type { FileRangeBody } from "./file-range-body.js";
import { SIGN_PAYLOAD } from "./payload-signing.js";
import { unhonouredSse } from "./sse.js";
import type { FileUpload } from "./upload-input.js";

type PartInput = Pick<FileUpload, "client" | "bucket" | "key" | "sse" | "partChecksum" | "onEvent">;

/**
 * Sends the parts of one multipart upload so that each counts only when its bytes are proven
 * (docs/architecture.md §3): the store echoed the CRC32 it verified, or the part went
 * SigV4-signed (the store checks the signed sha256; see PayloadSigning). A store that ignores
 * `x-amz-checksum-*` answers without the echo: that part is sent again, signed, and so is every
 * later part. Every answer must also confirm the encryption. Shared by file and stream uploads.
 */
export function createPartSender(input: PartInput, uploadId: string, stop: AbortSignal) {
  const withCrc = input.partChecksum !== "none";
  // Once a part's CRC32 went unconfirmed, every part is sent signed (its sha256 in the signature).
  let signAll = false;
  const send = async (
    index: number,
    body: Buffer | FileRangeBody,
    crc: string,
    signed: boolean,
  ) => {
    const params: UploadPartCommandInput = {
      Bucket: input.bucket,
      Key: input.key,
      UploadId: uploadId,
      PartNumber: index + 1,
      // A FileRangeBody becomes a stream per attempt in bodyChunksPlugin.
      Body: body as Buffer,
      ContentLength: body.length,
      // The store rejects the part if its bytes do not match (BadDigest); see PayloadSigning.
      ...(withCrc ? { ChecksumCRC32: crc } : {}),
    };
    const out = await input.client.send(
      new UploadPartCommand(signed ? Object.assign({ [SIGN_PAYLOAD]: true }, params) : params),
      { abortSignal: stop },
    );
    const unencrypted = unhonouredSse(input.sse, out, `s3://${input.bucket}/${input.key}`);
    if (unencrypted) throw unencrypted;
    return out;
  };
  /** Send part `index` (0-based) with its CRC32 (base64); resolves with the part's ETag. */
  return async (index: number, body: Buffer | FileRangeBody, crc: string): Promise<string> => {
    if (!withCrc || signAll) return (await send(index, body, crc, signAll)).ETag ?? "";
    const out = await send(index, body, crc, false);
    if (out.ChecksumCRC32 === crc) return out.ETag ?? "";
    if (out.ChecksumCRC32 !== undefined) {
      throw new NbsError(
        "STORED_CHECKSUM_MISMATCH",
        `the store recorded CRC32 ${out.ChecksumCRC32} for part ${index + 1} of s3://${input.bucket}/${input.key}, nbs sent ${crc}; nothing was committed`,
        {
          hint: "the bytes changed on the way; re-run, and if it repeats check proxies between here and the store",
        },
      );
    }
    if (!signAll) {
      signAll = true;
      input.onEvent?.(
        "upload.checksum.unconfirmed",
        {
          part: index + 1,
          message:
            "the store did not confirm the part's CRC32 (it may ignore x-amz-checksum-*); parts now go SigV4-signed, so the store checks their sha256",
        },
        "warn",
      );
    }
    return (await send(index, body, crc, true)).ETag ?? "";
  };
}
