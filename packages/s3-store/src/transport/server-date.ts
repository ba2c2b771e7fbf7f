import {
  ListMultipartUploadsCommand,
  type ListMultipartUploadsCommandInput,
  type ListMultipartUploadsCommandOutput,
  type S3Client,
} from "@aws-sdk/client-s3";

/**
 * List the in-progress uploads and read the store's clock from its answer (the HTTP Date
 * header): times the store records (an upload's parts) are compared with it, never with this
 * machine's clock, which may be off.
 */
export async function listUploadsAtServerTime(
  client: S3Client,
  input: ListMultipartUploadsCommandInput,
  options: { abortSignal?: AbortSignal },
): Promise<{ output: ListMultipartUploadsCommandOutput; serverNow: number | undefined }> {
  let serverNow: number | undefined;
  const command = new ListMultipartUploadsCommand(input);
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      // The raw HTTP answer; header names are lower-case in the SDK's node handler.
      const date = (result.response as { headers?: Record<string, string> } | undefined)?.headers?.[
        "date"
      ];
      const at = date === undefined ? Number.NaN : Date.parse(date);
      if (!Number.isNaN(at)) serverNow = at;
      return result;
    },
    { step: "deserialize", name: "nbsServerDate" },
  );
  const output = await client.send(command, options);
  return { output, serverNow };
}
