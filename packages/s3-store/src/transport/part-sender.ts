import { UploadPartCommand, type UploadPartCommandInput } from "@aws-sdk/client-s3";
import { NbsError } from "@nbs/errors";
import type { FileRangeBody } from "./file-range-body.js";
import { SIGN_PAYLOAD } from "./payload-signing.js";
import { unhonouredSse } from "./sse.js";
import { partAlgorithm, type FileUpload } from "./upload-input.js";

type PartInput = Pick<FileUpload, "client" | "bucket" | "key" | "sse" | "partChecksum" | "onEvent">;

/**
 * Sends the parts of one multipart upload so that each counts only when its bytes are proven
 * (docs/architecture.md §3): the store echoed the checksum (SHA-256 or CRC32) it verified, or the part went
 * SigV4-signed (the store checks the signed sha256; see PayloadSigning). A store that ignores
 * `x-amz-checksum-*` answers without the echo: that part is sent again, signed, and so is every
 * later part. Every answer must also confirm the encryption. Shared by file and stream uploads.
 */
export function createPartSender(input: PartInput, uploadId: string, stop: AbortSignal) {
  const algorithm = partAlgorithm(input);
  const field = algorithm === "SHA256" ? "ChecksumSHA256" : "ChecksumCRC32";
  // Once a part's checksum went unconfirmed, every part is sent signed (its sha256 in the signature).
  let signAll = false;
  const send = async (
    index: number,
    body: Buffer | FileRangeBody,
    checksum: string,
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
      ...(algorithm === undefined ? {} : { [field]: checksum }),
    };
    const out = await input.client.send(
      new UploadPartCommand(signed ? Object.assign({ [SIGN_PAYLOAD]: true }, params) : params),
      { abortSignal: stop },
    );
    const unencrypted = unhonouredSse(input.sse, out, `s3://${input.bucket}/${input.key}`);
    if (unencrypted) throw unencrypted;
    return out;
  };
  /** Send part `index` (0-based) with its checksum (base64); resolves with the part's ETag. */
  return async (index: number, body: Buffer | FileRangeBody, checksum: string): Promise<string> => {
    if (algorithm === undefined || signAll)
      return (await send(index, body, checksum, signAll)).ETag ?? "";
    const out = await send(index, body, checksum, false);
    const echoed = out[field];
    if (echoed === checksum) return out.ETag ?? "";
    if (echoed !== undefined) {
      throw new NbsError(
        "STORED_CHECKSUM_MISMATCH",
        `the store recorded ${algorithm} ${echoed} for part ${index + 1} of s3://${input.bucket}/${input.key}, nbs sent ${checksum}; nothing was committed`,
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
          message: `the store did not confirm the part's ${algorithm} (it may ignore x-amz-checksum-*); parts now go SigV4-signed, so the store checks their sha256`,
        },
        "warn",
      );
    }
    return (await send(index, body, checksum, true)).ETag ?? "";
  };
}
