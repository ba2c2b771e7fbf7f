import { paginateListObjectsV2, type S3Client } from "@aws-sdk/client-s3";

/**
 * Every key under the folder `<prefix>/` of `bucket` (not `<prefix>x/…`), in listing order,
 * over as many pages as the listing takes (a page holds at most 1,000 keys).
 */
export async function keysUnder(
  client: S3Client,
  bucket: string,
  prefix: string,
): Promise<string[]> {
  const keys: string[] = [];
  const pages = paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: `${prefix}/` });
  for await (const page of pages) for (const object of page.Contents ?? []) keys.push(object.Key!);
  return keys;
}
