import { describeInteg, getS3TestEnv, getToxiproxy, type ToxiProxy } from "@nbs/testenv";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { script, verify } from "@nbs/testenv/run-cli";

// A download whose body stops coming in the middle (MinIO reached through toxiproxy, the
// answer stalled after it started) must end in exit 4 within the request timeout, not hang.
let proxy: ToxiProxy;
let direct: Record<string, string>;
let key: string;

beforeAll(async () => {
  const s3 = await getS3TestEnv();
  const toxiproxy = await getToxiproxy();
  const bucket = await s3.createBucket("verify-stall");
  proxy = await toxiproxy.createProxy(`nbs-verify-${process.pid}`, new URL(s3.endpoint).host);
  direct = { ...s3.processEnv(), BACKUP_S3_BUCKET: bucket };
  const file = join(mkdtempSync(join(tmpdir(), "nbs-stall-")), "neo4j-20261130T131313Z.dump");
  writeFileSync(file, randomBytes(4 * 1024 * 1024));
  const up = await script(
    "upload_backup_to_s3.sh",
    ["--file", file, "--allow-any-file", "--json"],
    direct,
  );
  expect(up.code, up.stderr).toBe(0);
  key = (JSON.parse(up.stdout) as { key: string }).key;
});

afterAll(async () => {
  await proxy?.remove();
});

describeInteg("nbs-verify when the download stalls", () => {
  it("exits 4 naming the timeout when the body stops mid-download, and leaves no workspace", async () => {
    const workDir = mkdtempSync(join(tmpdir(), "nbs-stall-work-"));
    // 256 KiB/s: the 4 MiB body takes ~16 s, so the stall lands in the middle of it.
    await proxy.addToxic({
      name: "narrow",
      type: "bandwidth",
      stream: "downstream",
      attributes: { rate: 256 },
    });
    let stalled: Promise<void> | undefined;
    const started = Date.now();
    try {
      const run = await verify(
        [
          "--key",
          key,
          "--mode",
          "checksum",
          "--work-dir",
          workDir,
          "--request-timeout",
          "2s",
          "--json",
        ],
        { ...direct, BACKUP_S3_ENDPOINT: `https://${proxy.listen}` },
        (chunk) => {
          if (stalled === undefined && chunk.includes('"verify.download"')) {
            stalled = (async () => {
              await sleep(1000);
              await proxy.addToxic({
                name: "stall",
                type: "timeout",
                stream: "downstream",
                attributes: { timeout: 0 },
              });
            })();
          }
        },
      );
      expect(stalled).toBeDefined();
      expect(run.code, run.stderr).toBe(4);
      // The stall starts ~1 s in; 2 s of silence ends it. Generous for a loaded machine.
      expect((Date.now() - started) / 1000).toBeLessThan(30);
      const doc = JSON.parse(run.stdout) as {
        error: { code: string; message: string; hint: string };
      };
      expect(doc.error.code).toBe("TIMEOUT");
      expect(doc.error.message).toMatch(/download .* timed out/);
      expect(doc.error.hint).toMatch(/--request-timeout/);
      expect(readdirSync(workDir)).toEqual([]);
    } finally {
      await stalled;
      await proxy.removeToxic("stall").catch(() => undefined);
      await proxy.removeToxic("narrow");
    }
  });
});
