import { GetObjectCommand, ListMultipartUploadsCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { upload as runCli, type CliRun } from "@nbs/testenv/run-cli";

export type LogEvent = Record<string, unknown>;

/**
 * Run nbs-upload and call `onEvent` for each JSON log event on stderr as it arrives (whole
 * lines only), so a fault can be injected at a precise phase of the run.
 */
export function runWatching(
  args: readonly string[],
  env: Record<string, string>,
  onEvent: (event: LogEvent, child: ChildProcess) => void,
): Promise<CliRun> {
  let pending = "";
  return runCli(args, env, {
    onStderr: (chunk, child) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith("{")) onEvent(JSON.parse(line) as LogEvent, child);
      }
    },
  });
}

/** A dump-named file of random bytes in its own temp dir, and its sha256. */
function randomDump(stamp: string, bytes: number): { path: string; sha256: string } {
  const data = randomBytes(bytes);
  const path = join(mkdtempSync(join(tmpdir(), "nbs-faults-")), `neo4j-${stamp}.dump`);
  writeFileSync(path, data);
  return { path, sha256: createHash("sha256").update(data).digest("hex") };
}

/** A random dump of `bytes` and the nbs-upload arguments that send it in 5 MiB parts under `prefix`. */
export function uploadJob(
  prefix: string,
  stamp: string,
  options: { bytes: number; concurrency: number; extra?: string[] },
) {
  const file = randomDump(stamp, options.bytes);
  return {
    file,
    key: `${prefix}/neo4j/neo4j-${stamp}.dump`,
    args: [
      "--file",
      file.path,
      "--prefix",
      prefix,
      "--allow-any-file",
      "--part-size",
      "5MiB",
      "--concurrency",
      String(options.concurrency),
      "--json",
      ...(options.extra ?? []),
    ],
  };
}

/** What an independent client sees at a key: the object's sha256, the sidecar, open uploads. */
export interface KeyState {
  objectSha256: string | undefined;
  sidecar: { sha256: string; size: number } | undefined;
  uploads: string[];
}

async function keyState(client: S3Client, bucket: string, key: string): Promise<KeyState> {
  const sidecarText = await getBytes(client, bucket, `${key}.meta.json`);
  const object = await getBytes(client, bucket, key);
  // MinIO lists in-progress uploads only for the exact key as the prefix.
  const listed = await client.send(
    new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }),
  );
  return {
    objectSha256: object && createHash("sha256").update(object).digest("hex"),
    sidecar: sidecarText && (JSON.parse(sidecarText.toString("utf8")) as KeyState["sidecar"]),
    uploads: (listed.Uploads ?? []).filter((u) => u.Key === key).map((u) => u.UploadId!),
  };
}

/**
 * The state once the server has finished what was in flight when a fault hit (a frozen server
 * resumes and may still apply a request whose client is gone): two reads in a row agree.
 */
export async function settledKeyState(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<KeyState> {
  let last = await keyState(client, bucket, key);
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 250));
    const next = await keyState(client, bucket, key);
    if (JSON.stringify(next) === JSON.stringify(last)) return next;
    last = next;
  }
  return last;
}

async function getBytes(client: S3Client, bucket: string, key: string) {
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  } catch (error) {
    if ((error as { name?: string }).name === "NoSuchKey") return undefined;
    throw error;
  }
}
