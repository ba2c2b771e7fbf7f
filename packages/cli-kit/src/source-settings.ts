import { parseBool, parseString } from "./config.js";
import { setting } from "./common-settings.js";
import { bucketSettings } from "./bucket-settings.js";

/**
 * Which stored backup a command reads (verify, restore): --s3-uri, --bucket with --key, or
 * --latest under --prefix. Each command says what it does with it.
 */
export function backupSourceSettings(describe: { s3Uri: string; latest: string }) {
  const { bucket, prefix } = bucketSettings({
    bucket: "bucket (with --key or --latest)",
    prefix: "key prefix for --latest",
  });
  return {
    s3Uri: setting(["NBS_S3_URI"], "string", describe.s3Uri, undefined, parseString),
    bucket,
    key: setting(
      ["NBS_KEY"],
      "string",
      "object key of the dump (with --bucket)",
      undefined,
      parseString,
    ),
    latest: setting(["NBS_LATEST"], "boolean", describe.latest, false, parseBool),
    prefix,
  };
}
