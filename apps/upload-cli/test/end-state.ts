import { GetObjectCommand, ListMultipartUploadsCommand, type S3Client } from "@aws-sdk/client-s3";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";

/** What an independent client sees of one key after a run: the object, its sidecar, open uploads. */
export interface EndState {
  objectSha256: string | undefined;
  sidecar: { sha256: string; size: number } | undefined;
  sidecarText: string | undefined;
  /** In-progress multipart uploads of exactly this key (MinIO lists them only for an exact prefix). */
  openUploads: number;
}

export async function endState(client: S3Client, bucket: string, key: string): Promise<EndState> {
  const object = await getBytes(client, bucket, key);
  const sidecarText = (await getBytes(client, bucket, `${key}.meta.json`))?.toString("utf8");
  const uploads = await client.send(
    new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }),
  );
  return {
    objectSha256: object && sha256(object),
    sidecar:
      sidecarText === undefined ? undefined : (JSON.parse(sidecarText) as EndState["sidecar"]),
    sidecarText,
    openUploads: (uploads.Uploads ?? []).filter((u) => u.Key === key).length,
  };
}

async function getBytes(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<Buffer | undefined> {
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  } catch (error) {
    if ((error as { name?: string }).name === "NoSuchKey") return undefined;
    throw error;
  }
}

const sha256 = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");

/** A dump-named file of random bytes in a fresh temp dir. */
export function dumpFile(stamp: string, size: number): string {
  const path = join(mkdtempSync(join(tmpdir(), "nbs-fault-")), `neo4j-${stamp}.dump`);
  writeFileSync(path, randomBytes(size));
  return path;
}

/** Committed: the object's bytes and the sidecar's sha256 both equal the file's; no upload left open. */
export function expectCommitted(state: EndState, file: string): void {
  const want = sha256(readFileSync(file));
  expect(state.objectSha256).toBe(want);
  expect(state.sidecar?.sha256).toBe(want);
  expect(state.openUploads).toBe(0);
}

/** Nothing committed and nothing left behind: no sidecar, no object, no open upload. */
export function expectNothing(state: EndState): void {
  expect(state.sidecarText).toBeUndefined();
  expect(state.objectSha256).toBeUndefined();
  expect(state.openUploads).toBe(0);
}
