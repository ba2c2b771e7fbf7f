import type { S3Client } from "@aws-sdk/client-s3";
import { describeInteg, getS3TestEnv, neo4jInstallDir } from "@nbs/testenv";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { script, verify } from "@nbs/testenv/run-cli";
import { mountTmpfs, tmpfsAvailable } from "./tmpfs.js";

// nbs-verify's workspace on a real filesystem that fills up (a 2 MiB tmpfs, an 8 MiB backup).

let client: S3Client;
let s3Env: Record<string, string>;
let bucket: string;
let key: string;
const scratch = mkdtempSync(join(tmpdir(), "nbs-verify-disk-"));

beforeAll(async () => {
  const s3 = await getS3TestEnv();
  client = s3.client();
  bucket = await s3.createBucket("verify-disk");
  s3Env = { ...s3.processEnv(), BACKUP_S3_BUCKET: bucket };
  const file = join(scratch, "neo4j-20261130T060606Z.dump");
  writeFileSync(file, randomBytes(8 * 1024 * 1024));
  const up = await script(
    "upload_backup_to_s3.sh",
    ["--file", file, "--allow-any-file", "--prefix", "disk", "--json"],
    s3Env,
  );
  expect(up.code, up.stderr).toBe(0);
  key = (JSON.parse(up.stdout) as { key: string }).key;
});

afterAll(() => {
  client?.destroy();
  rmSync(scratch, { recursive: true, force: true });
});

describeInteg("nbs-verify on a full filesystem", () => {
  it.skipIf(!tmpfsAvailable)(
    "a --work-dir that fills up during the download: exit 3 naming the directory and 'no space left', the workspace removed",
    async () => {
      const disk = mountTmpfs("2m");
      try {
        const run = await verify(
          [
            "--s3-uri",
            `s3://${bucket}/${key}`,
            // check writes the download for neo4j-admin (checksum mode hashes without writing);
            // the disk fills before any Neo4j step runs.
            "--mode",
            "check",
            "--neo4j-home",
            neo4jInstallDir(),
            "--work-dir",
            disk.dir,
            "--json",
          ],
          s3Env,
        );
        expect(run.code, run.stderr).toBe(3);
        const out = JSON.parse(run.stdout) as {
          error: { code: string; message: string; hint: string };
        };
        expect(out.error).toMatchObject({
          code: "DISK_FULL",
          category: "INPUT",
          message: expect.stringMatching(
            /^no space left in \S+ \(ENOSPC\) after \d+ bytes of the download$/,
          ),
          hint: expect.stringContaining("--work-dir"),
        });
        expect(out.error.message).toContain(disk.dir);
        expect(readdirSync(disk.dir)).toEqual([]);
      } finally {
        disk.remove();
      }
    },
  );
});
