import type { S3Client } from "@aws-sdk/client-s3";
import type { CliLogger } from "@nbs/cli-kit";

/**
 * With `--verbose`, one `s3.request` debug event per attempt of every S3 call, just before it
 * goes on the wire: which phase a run is in (parts, CompleteMultipartUpload, the sidecar PUT),
 * and where a stuck or interrupted run stopped. Names and keys only, never headers (§8).
 */
export function logRequests(client: S3Client, logger: CliLogger): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: unknown; PartNumber?: unknown };
      logger.log("debug", "s3.request", {
        command: context.commandName,
        key: input.Key,
        ...(typeof input.PartNumber === "number" ? { part: input.PartNumber } : {}),
      });
      return next(args);
    },
    // Below the retry middleware (finalizeRequest), so each attempt is logged.
    { step: "deserialize", name: "nbsRequestLog", priority: "low" },
  );
}
