import { describeInteg, getS3TestEnv, type S3TestEnv } from "@nbs/testenv";
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, expect, it } from "vitest";

// The README's example is a real internal tool: it backs up a dump with backupFile, and the
// backup it leaves is one nbs-verify --latest finds and verifies.
const EXAMPLE = fileURLToPath(new URL("../examples/backup-file.mjs", import.meta.url));
const VERIFY_CLI = fileURLToPath(new URL("../../../apps/verify-cli/dist/cli.js", import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function node(script: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describeInteg("examples/backup-file.mjs against the real MinIO", () => {
  let s3: S3TestEnv;
  let bucket: string;

  beforeAll(async () => {
    s3 = await getS3TestEnv();
    bucket = await s3.createBucket("example");
  });

  it("backs up a dump that nbs-verify --latest then verifies; a re-run is skipped", async () => {
    expect(existsSync(VERIFY_CLI), "build nbs-verify first: pnpm build").toBe(true);
    // A Neo4j 5 dump starts with "DZV1" and a zstd frame; the rest need not be a real one for a
    // checksum verification.
    const bytes = Buffer.concat([
      Buffer.from("DZV1"),
      Buffer.from([0x28, 0xb5, 0x2f, 0xfd]),
      randomBytes(64 * 1024),
    ]);
    const file = join(mkdtempSync(join(tmpdir(), "nbs-example-")), "movies-20261124T101500Z.dump");
    writeFileSync(file, bytes);
    const env = { ...s3.processEnv(), BACKUP_S3_BUCKET: bucket, BACKUP_S3_PREFIX: "tools" };

    const first = await node(EXAMPLE, [file], env);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      outcome: "uploaded",
      key: "tools/movies/movies-20261124T101500Z.dump",
      sha256: createHash("sha256").update(bytes).digest("hex"),
    });

    const verify = await node(
      VERIFY_CLI,
      ["--latest", "--db", "movies", "--mode", "checksum", "--json"],
      env,
    );
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({
      outcome: "verified",
      source: { key: "tools/movies/movies-20261124T101500Z.dump" },
    });

    const again = await node(EXAMPLE, [file], env);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: "skipped" });
  }, 120_000);

  it("refuses a different dump under the same name and says why, changing nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nbs-example-"));
    const env = { ...s3.processEnv(), BACKUP_S3_BUCKET: bucket, BACKUP_S3_PREFIX: "conflict" };
    const one = join(dir, "neo4j-20261124T101500Z.dump");
    writeFileSync(
      one,
      Buffer.concat([Buffer.from("DZV1"), Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1])]),
    );
    expect((await node(EXAMPLE, [one], env)).code).toBe(0);
    writeFileSync(
      one,
      Buffer.concat([Buffer.from("DZV1"), Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 2])]),
    );
    const run = await node(EXAMPLE, [one], env);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain("KEY_CONFLICT");
  }, 60_000);
});
