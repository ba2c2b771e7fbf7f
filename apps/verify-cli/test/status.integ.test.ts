import { HeadObjectCommand, GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { buildBackupMeta, formatBackupTimestamp, serializeBackupMeta } from "@nbs/metadata";
import { putVerificationRecord } from "@nbs/s3-store";
import { describeInteg, getS3TestEnv } from "@nbs/testenv";
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { script, verify } from "@nbs/testenv/run-cli";

// `nbs-verify status` against the real MinIO. Backups are real uploads (nbs-upload with
// --allow-any-file and a local sidecar carrying stats): their dump time comes from the file name,
// so a backup "taken 30 hours ago" is a dump named with that time. Its objects' LastModified is
// now; status ages a backup by its sidecar's created_at (the dump time), never by LastModified.

const H = 3_600_000;
let client: S3Client;
let bucket: string;
let env: Record<string, string>;
const scratch = mkdtempSync(join(tmpdir(), "nbs-status-integ-"));
const PREFIX = "st";

interface Uploaded {
  code: number | null;
  key: string;
  shrink?: { from_key: string; ratio: number };
  events: Array<Record<string, unknown>>;
}

/** A real upload of `<db>-<time hoursAgo>.dump` (random bytes, local sidecar with stats). */
async function backup(db: string, hoursAgo: number, nodes: number, bytes: number) {
  const stamp = formatBackupTimestamp(new Date(Date.now() - hoursAgo * H));
  const file = join(scratch, `${db}-${stamp}.dump`);
  const body = randomBytes(bytes);
  writeFileSync(file, body);
  const meta = buildBackupMeta({
    sha256: createHash("sha256").update(body).digest("hex"),
    size: body.length,
    db_name: db,
    created_at: new Date(Date.now() - hoursAgo * H),
    created_by: "status-integ",
    tool: { name: "status-integ", version: "0" },
    stats: { nodes, relationships: nodes, exact: true },
  });
  writeFileSync(`${file}.meta.json`, serializeBackupMeta(meta));
  const up = await script(
    "upload_backup_to_s3.sh",
    ["--file", file, "--allow-any-file", "--json"],
    {
      ...env,
      BACKUP_S3_PREFIX: PREFIX,
    },
  );
  expect(up.code, up.stderr).toBe(0);
  return { ...(JSON.parse(up.stdout) as Omit<Uploaded, "events">), events: up.events };
}

/** What nbs-verify writes after a passed verification (the records branch's module). */
async function verified(key: string, hoursAgo: number) {
  await putVerificationRecord({
    client,
    bucket,
    record: {
      schemaVersion: 1,
      key,
      sha256: "0".repeat(64),
      verified_at: new Date(Date.now() - hoursAgo * H).toISOString(),
      mode: "load",
      ok: true,
      nbs_version: "0",
      checks: ["sha256"],
    },
  });
}

interface StatusDoc {
  ok: boolean;
  exit_code: number;
  error?: { code: string; message: string };
  status: {
    databases: Array<{
      db: string;
      ok: boolean;
      newest?: { key: string; age_ms: number; nodes: number };
      verification?: { age_ms: number; mode: string };
      change_ratio?: number;
      problems: Array<{ code: string; message: string }>;
    }>;
  };
}

const status = async (args: string[]) => {
  const run = await verify(["status", "--prefix", PREFIX, "--json", ...args], env);
  return { run, doc: JSON.parse(run.stdout) as StatusDoc };
};

const keys: Record<string, string> = {};
let small: Uploaded;

beforeAll(async () => {
  const s3 = await getS3TestEnv();
  client = s3.client();
  bucket = await s3.createBucket("status");
  env = { ...s3.processEnv(), BACKUP_S3_BUCKET: bucket };
  keys["fresh"] = (await backup("fresh", 1, 100, 4096)).key;
  await verified(keys["fresh"], 2);
  keys["stale"] = (await backup("stale", 30, 100, 4096)).key;
  await verified(keys["stale"], 2);
  keys["big"] = (await backup("shrinky", 3, 1000, 20_000)).key;
  await verified(keys["big"], 2);
  small = await backup("shrinky", 1, 10, 2000);
}, 120_000);

afterAll(() => {
  client?.destroy();
  rmSync(scratch, { recursive: true, force: true });
});

describeInteg("nbs-verify status against the real MinIO", () => {
  it("exit 0 for a fresh, verified backup, with its age and the verification's", async () => {
    const { run, doc } = await status(["--db", "fresh"]);
    expect(run.code, run.stderr).toBe(0);
    expect(doc.ok).toBe(true);
    const [db] = doc.status.databases;
    expect(db).toMatchObject({ db: "fresh", ok: true, newest: { key: keys["fresh"], nodes: 100 } });
    expect(db!.newest!.age_ms).toBeGreaterThanOrEqual(H);
    expect(db!.verification).toMatchObject({ mode: "load" });
  });

  it("BACKUP_STALE (exit 7) for a backup dumped 30h ago whose objects were written just now", async () => {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: keys["stale"] }));
    expect(Date.now() - head.LastModified!.getTime()).toBeLessThan(H);
    const { run, doc } = await status(["--db", "stale"]);
    expect(run.code).toBe(7);
    expect(doc.error?.code).toBe("BACKUP_STALE");
    expect(doc.error?.message).toMatch(/stale: the newest backup was taken 30\.\dh ago/);
    // A looser threshold passes the same bucket.
    expect((await status(["--db", "stale", "--max-age", "2d"])).run.code).toBe(0);
  });

  it("NO_BACKUP (exit 7) for a database with no committed backup; VERIFY_STALE without a recent record", async () => {
    const none = await status(["--db", "absent"]);
    expect(none.run.code).toBe(7);
    expect(none.doc.error?.code).toBe("NO_BACKUP");
    const strict = await status(["--db", "fresh", "--max-verify-age", "1h"]);
    expect(strict.run.code).toBe(7);
    expect(strict.doc.error?.code).toBe("VERIFY_STALE");
  });

  it("a real upload after a bigger one records the shrink; status (BACKUP_SHRANK), list and the metrics report it", async () => {
    expect(small.shrink).toMatchObject({ from_key: keys["big"], ratio: 0.01 });
    expect(small.events).toContainEqual(
      expect.objectContaining({ level: "warn", event: "backup.shrunk", from_key: keys["big"] }),
    );
    const sidecar = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: `${small.key}.meta.json` }),
    );
    expect(JSON.parse(await sidecar.Body!.transformToString())).toMatchObject({
      shrink: { from_key: keys["big"], from: { nodes: 1000, size: 20_000 }, to: { nodes: 10 } },
    });

    const metrics = join(scratch, "status.prom");
    const summary = join(scratch, "summary.md");
    const run = await script(
      "backup_status.sh",
      ["--prefix", PREFIX, "--db", "shrinky", "--metrics-file", metrics, "--summary-md", summary],
      env,
    );
    expect(run.code).toBe(7);
    const doc = JSON.parse(run.stdout) as StatusDoc;
    expect(doc.error?.code).toBe("BACKUP_SHRANK");
    expect(doc.status.databases[0]!.change_ratio).toBe(0.01);
    expect(readFileSync(summary, "utf8")).toMatch(
      /❌[\s\S]*\*\*BACKUP_SHRANK\*\*: shrinky: the newest backup is 99% smaller/,
    );
    const prom = readFileSync(metrics, "utf8");
    expect(prom).toMatch(/^nbs_backup_shrunk\{[^}]*db="shrinky"[^}]*\} 1$/m);
    expect(prom).toMatch(/^nbs_backup_shrink_ratio\{[^}]*db="shrinky"[^}]*\} 0\.01$/m);

    const listed = await verify(["list", "--prefix", PREFIX, "--db", "shrinky", "--no-json"], env);
    expect(listed.code, listed.stderr).toBe(0);
    const row = listed.stdout.split("\n").find((l) => l.includes(small.key));
    expect(row).toMatch(/\s-99%\s/);
    expect(listed.events).toContainEqual(
      expect.objectContaining({ level: "warn", event: "list.shrunk", keys: [small.key] }),
    );
  });

  it("pings NBS_HEALTHCHECK_URL (/start, then /7 with the code) and never prints the URL", async () => {
    const pings: string[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        pings.push(`${new URL(req.url ?? "/", "http://x").pathname} ${body}`);
        res.end("OK");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const token = randomBytes(12).toString("hex");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ping/${token}`;
    try {
      const run = await verify(["status", "--prefix", PREFIX, "--db", "stale", "--json"], {
        ...env,
        NBS_HEALTHCHECK_URL: url,
      });
      expect(run.code).toBe(7);
      expect(pings).toEqual([
        `/ping/${token}/start nbs-verify status: started`,
        `/ping/${token}/7 nbs-verify status: exit 7 BACKUP_STALE`,
      ]);
      expect(run.stdout).not.toContain(token);
      expect(run.stderr).not.toContain(token);
    } finally {
      server.close();
    }
  });

  it("a table on a terminal-less run with --no-json, every database found without --db", async () => {
    const run = await verify(["status", "--prefix", PREFIX, "--no-json"], env);
    expect(run.code).toBe(7);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(
      /^DB\s+STATUS\s+NEWEST \(UTC\)\s+AGE\s+SIZE\s+NODES\s+RELS\s+VS PREV\s+VERIFIED/,
    );
    expect(lines.slice(1, 4).map((l) => l.split(/\s+/).slice(0, 2))).toEqual([
      ["fresh", "ok"],
      ["shrinky", "BACKUP_SHRANK"],
      ["stale", "BACKUP_STALE"],
    ]);
  });
});
