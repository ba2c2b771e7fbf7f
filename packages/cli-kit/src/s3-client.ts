import { NbsError } from "@nbs/errors";
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

/** A command that talks to the store needs a region; none configured is a usage error naming the fix. */
export function requireRegion(region: string | undefined): void {
  if (region === undefined)
    throw new NbsError("REGION_MISSING", "no AWS region configured", {
      hint: "pass --region or set AWS_REGION (with --endpoint it defaults to us-east-1)",
    });
}
