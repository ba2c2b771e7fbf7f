import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { NbsError } from "@nbs/errors";
import type { Readable } from "node:stream";
import { isNotFound, toStorageError } from "./errors.js";
import { unquote } from "./part-checksums.js";

/** A stored object's body, streaming, with what the GET answered about it. */
export interface StoredBody {
  body: Readable & { transformToString?: (encoding?: string) => Promise<string> };
  size: number;
  etag: string;
}

/**
 * The one GetObject of the package: undefined when the key does not exist, else the body; every
 * other failure becomes a specific STORAGE-class NbsError (its `cause` is the SDK's error).
 */
export async function getObject(
  client: S3Client,
  bucket: string,
  key: string,
  options: { op: string; signal?: AbortSignal | undefined },
): Promise<StoredBody | undefined> {
  const { signal } = options;
  try {
    const out = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: key }),
      signal ? { abortSignal: signal } : {},
    );
    if (!out.Body) {
      throw new NbsError("STORE_ERROR", `${options.op} s3://${bucket}/${key}: no body returned`, {
        hint: "the store answered GetObject without a body; check the endpoint is an S3 API",
      });
    }
    return {
      body: out.Body as StoredBody["body"],
      size: out.ContentLength ?? 0,
      etag: unquote(out.ETag),
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw toStorageError(error, { bucket, key, op: options.op, signal });
  }
}
