import { createS3Client, type S3ClientOptions } from "@nbs/s3-store";
import { s3ClientOptions, type S3ConnectionSettings } from "./common-settings.js";

/**
 * The client a command's requests go through, from its connection settings; `extra` adds what
 * only that command sets (payload signing, sockets), `create` is a test's double.
 */
export function storeClient(
  settings: S3ConnectionSettings,
  create: typeof createS3Client = createS3Client,
  extra: Pick<S3ClientOptions, "payloadSigning" | "maxSockets"> = {},
): ReturnType<typeof createS3Client> {
  return create({ ...s3ClientOptions(settings), ...extra });
}
