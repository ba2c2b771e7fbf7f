import type { S3Client } from "@aws-sdk/client-s3";
import { describeInteg, getS3TestEnv } from "@nbs/testenv";
import { appendFileSync, closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runWatching, settledKeyState, uploadJob } from "./fault-run.js";

// The local dump changing while nbs-upload reads it (another writer, a second backup.sh into the
// same name). The change is made at the run's first progress event: part 1 is stored, the last
// part not yet read.

const MiB = 1024 * 1024;
let client: S3Client;
let bucket: string;
let env: Record<string, string>;

beforeAll(async () => {
  const s3 = await getS3TestEnv();
  client = s3.client();
  bucket = await s3.createBucket("faults-disk");
  env = { ...s3.processEnv(), BACKUP_S3_BUCKET: bucket };
});

afterAll(() => client?.destroy());

const job = (prefix: string, stamp: string) =>
  uploadJob(prefix, stamp, { bytes: 30 * MiB, concurrency: 1 });

/** Overwrite `bytes` at each offset in place (same size, no truncation). */
function overwrite(path: string, offsets: number[]): void {
  const fd = openSync(path, "r+");
  try {
    for (const at of offsets) writeSync(fd, Buffer.alloc(4096, 0xee), 0, 4096, at);
  } finally {
    closeSync(fd);
  }
}

async function expectNothingStored(key: string): Promise<void> {
  expect(await settledKeyState(client, bucket, key)).toEqual({
    objectSha256: undefined,
    sidecar: undefined,
    uploads: [],
  });
}

describeInteg("nbs-upload while the local dump changes under it", () => {
  it("bytes appended during the upload: exit 3 'the file grew', the multipart upload aborted, nothing stored", async () => {
    const { file, key, args } = job("grew", "20261130T030303Z");
    let changed = false;
    const run = await runWatching(args, env, (event) => {
      if (!changed && event["event"] === "upload.progress") {
        changed = true;
        appendFileSync(file.path, Buffer.alloc(MiB, 1));
      }
    });
    expect(changed).toBe(true);
    expect(run.code, run.stderr).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({
      error: { code: "FILE_CHANGED", message: "the file grew while it was being uploaded" },
    });
    await expectNothingStored(key);
  });

  it("bytes overwritten in a part not yet read, with backup.sh's local sidecar: exit 3 'the file changed', nothing committed", async () => {
    const { file, key, args } = job("rewritten", "20261130T040404Z");
    writeFileSync(
      `${file.path}.meta.json`,
      JSON.stringify({
        schemaVersion: 1,
        sha256: file.sha256,
        size: 30 * MiB,
        db_name: "neo4j",
        created_at: "2026-11-30T04:04:04Z",
        created_by: "backup.sh",
        tool: { name: "nbs-upload", version: "0.0.0" },
      }),
    );
    let changed = false;
    const run = await runWatching(args, env, (event) => {
      if (!changed && event["event"] === "upload.progress") {
        changed = true;
        overwrite(file.path, [29 * MiB]);
      }
    });
    expect(changed).toBe(true);
    // Noticed after the last read, before anything is completed: the same answer with or
    // without a local sidecar (one changed before the upload started is exit 5, see upload.integ).
    expect(run.code, run.stderr).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({
      error: {
        code: "FILE_CHANGED",
        message: expect.stringContaining("the file changed while it was being uploaded"),
        hint: expect.stringContaining("do not modify a dump while it is being uploaded"),
      },
    });
    await expectNothingStored(key);
  });

  // Without a local sidecar there is no recorded sha256 to compare with: the file's size, mtime
  // and ctime, taken at open and again after the last read, tell that it was written meanwhile.
  it("bytes overwritten both in a part already sent and in one not yet read, no local sidecar: exit 3, nothing committed", async () => {
    const { file, key, args } = job("torn", "20261130T050505Z");
    let changed = false;
    const run = await runWatching(args, env, (event) => {
      if (!changed && event["event"] === "upload.progress") {
        changed = true;
        overwrite(file.path, [0, 29 * MiB]);
      }
    });
    expect(changed).toBe(true);
    const state = await settledKeyState(client, bucket, key);
    // Whatever happens, a committed sidecar describes the stored bytes.
    if (state.sidecar) expect(state.sidecar.sha256).toBe(state.objectSha256);
    expect(run.code, run.stderr).toBe(3);
    await expectNothingStored(key);
  });
});
