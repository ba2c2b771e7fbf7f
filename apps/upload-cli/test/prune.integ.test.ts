import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { S3Client } from "@aws-sdk/client-s3";
import { sidecarKey } from "@nbs/metadata";
import { describeInteg, getS3TestEnv, getToxiproxy, type S3TestEnv } from "@nbs/testenv";
import { beforeAll, expect, it } from "vitest";
import { allKeys, keyOf, seed, type SeedBackup } from "./prune-seed.js";
import { upload as runCli } from "@nbs/testenv/run-cli";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let s3: S3TestEnv;
let client: S3Client;
let env: Record<string, string>;

beforeAll(async () => {
  s3 = await getS3TestEnv();
  client = s3.client();
  env = s3.processEnv();
});

interface Row {
  action: "keep" | "remove";
  db: string;
  state: string;
  key: string;
  flagged: boolean;
  reasons: string[];
}

const prune = async (bucket: string, args: string[], extraEnv: Record<string, string> = {}) => {
  const run = await runCli(["prune", "--bucket", bucket, "--prefix", "prod", ...args], {
    ...env,
    ...extraEnv,
  });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as { outcome: string; plan: Row[]; deleted_objects?: number };
};

const dumpsIn = (keys: string[]) => keys.filter((k) => k.endsWith(".dump"));
const recordsOf = (keys: string[], dump: string) =>
  keys.filter((k) => k.startsWith(`${dump}.verify/`));

/** A year of backups every 36 h, every 7th verified (not the last 10), one broken, one shrunk. */
function year(now: number): SeedBackup[] {
  const out: SeedBackup[] = [];
  for (let i = 0, t = now - 365 * DAY; t < now - HOUR; i++, t += 36 * HOUR) {
    out.push({
      db: "neo4j",
      createdAt: new Date(Math.floor(t / 1000) * 1000),
      verified: i % 7 === 0,
    });
  }
  for (let i = out.length - 10; i < out.length; i++) out[i]!.verified = false;
  out[150]!.broken = true;
  out[150]!.verified = false;
  out[out.length - 4]!.shrink = true;
  out.push({
    db: "neo4j",
    createdAt: new Date(Math.floor((now - 200 * DAY) / 1000) * 1000 + 500_000),
    uncommitted: true,
  });
  // A database never verified: nothing committed of it may go.
  for (let t = now - 81 * DAY; t < now; t += 3 * DAY)
    out.push({ db: "graph", createdAt: new Date(Math.floor(t / 1000) * 1000) });
  return out;
}

const RULES = [
  "--keep-last",
  "3",
  "--keep-daily",
  "7",
  "--keep-weekly",
  "5",
  "--keep-monthly",
  "12",
  "--keep-yearly",
  "2",
];
// The objects are real, so their LastModified is today while their dump times span a year:
// the tolerance is widened here (the time check has its own test), and the only uncommitted
// dump is one written seconds ago by the seed.
const YEAR_ARGS = [...RULES, "--time-tolerance", "400d", "--uncommitted-age", "1s"];

describeInteg("nbs-upload prune against the real MinIO", () => {
  it("plans a simulated year with the guarantees, applies it, and a second apply removes nothing", async () => {
    const bucket = await s3.createBucket("prune-year");
    const backups = year(Date.now());
    await seed(client, bucket, "prod", backups);
    const before = await allKeys(client, bucket);

    const dry = await prune(bucket, YEAR_ARGS);
    expect(dry.outcome).toBe("dry-run");
    expect(await allKeys(client, bucket)).toEqual(before);
    const plan = new Map(dry.plan.map((r) => [r.key, r]));
    expect(plan.size).toBe(backups.length);
    const neo = backups.filter((b) => b.db === "neo4j" && !b.uncommitted && !b.broken);
    const newest = neo.at(-1)!;
    const verified = neo.filter((b) => b.verified).at(-1)!;
    expect(plan.get(keyOf("prod", newest))!.reasons).toContain("newest committed backup");
    expect(plan.get(keyOf("prod", verified))!.reasons[0]).toMatch(/^newest verified backup/);
    for (const b of neo.filter((x) => x.createdAt > verified.createdAt))
      expect(plan.get(keyOf("prod", b))!.action).toBe("keep");
    // keep-monthly: the newest backup of each of the last 12 months (UTC) is kept for it.
    const months = new Map<string, SeedBackup>();
    for (const b of neo) months.set(b.createdAt.toISOString().slice(0, 7), b);
    for (const [month, b] of [...months].slice(-12))
      expect(plan.get(keyOf("prod", b))!.reasons).toContain(`keep-monthly ${month}`);
    const shrunk = neo.findIndex((b) => b.shrink);
    expect(plan.get(keyOf("prod", neo[shrunk - 1]!))!.reasons.join()).toMatch(
      /last backup before a shrink/,
    );
    const broken = backups.find((b) => b.broken)!;
    expect(plan.get(keyOf("prod", broken))).toMatchObject({ action: "keep", state: "broken" });
    expect(
      plan.get(
        keyOf(
          "prod",
          backups.find((b) => b.uncommitted)!,
        ),
      )!.action,
    ).toBe("remove");
    for (const b of backups.filter((x) => x.db === "graph"))
      expect(plan.get(keyOf("prod", b))!.reasons).toContain(
        "no verified backup of this database yet: nothing committed is removed",
      );
    const removed = dry.plan.filter((r) => r.action === "remove");
    expect(removed.length).toBeGreaterThan(150);

    const applied = await prune(bucket, [...YEAR_ARGS, "--apply"]);
    expect(applied.outcome).toBe("pruned");
    const after = await allKeys(client, bucket);
    expect(dumpsIn(after)).toEqual(
      dry.plan
        .filter((r) => r.action === "keep")
        .map((r) => r.key)
        .sort(),
    );
    for (const r of removed) {
      expect(after).not.toContain(sidecarKey(r.key));
      expect(recordsOf(after, r.key)).toEqual([]);
    }
    expect(recordsOf(after, keyOf("prod", verified))).toHaveLength(1);

    const again = await prune(bucket, [...YEAR_ARGS, "--apply"]);
    expect(again.deleted_objects).toBe(0);
    expect(await allKeys(client, bucket)).toEqual(after);
  });

  it("an apply killed with SIGKILL mid-way, then run again, ends where an uninterrupted one does", async () => {
    const bucket = await s3.createBucket("prune-kill");
    const now = Date.now();
    const backups: SeedBackup[] = Array.from({ length: 45 }, (_, i) => ({
      db: "neo4j",
      createdAt: new Date(Math.floor((now - (45 - i) * 4 * DAY) / 1000) * 1000),
      verified: i % 5 === 0,
    }));
    await seed(client, bucket, "prod", backups);
    const args = [
      "--keep-last",
      "2",
      "--keep-monthly",
      "3",
      "--time-tolerance",
      "400d",
      "--uncommitted-age",
      "1s",
    ];
    const dry = await prune(bucket, args);
    const keep = dry.plan
      .filter((r) => r.action === "keep")
      .map((r) => r.key)
      .sort();
    const removals = dry.plan.filter((r) => r.action === "remove").length;
    expect(removals).toBeGreaterThan(30);

    // A real slowdown: every request reaches the store 250 ms late through toxiproxy, so the
    // kill below lands while the third backup's dump delete is on its way (its sidecar gone).
    const toxiproxy = await getToxiproxy();
    const proxy = await toxiproxy.createProxy(
      `nbs-prune-${process.pid}`,
      new URL(s3.endpoint).host,
    );
    try {
      await proxy.addToxic({
        name: "slow",
        type: "latency",
        stream: "upstream",
        attributes: { latency: 250 },
      });
      let sidecars = 0;
      const killed = await runCli(
        ["prune", "--bucket", bucket, "--prefix", "prod", ...args, "--apply"],
        { ...env, BACKUP_S3_ENDPOINT: `https://${proxy.listen}` },
        {
          onStderr: (chunk, child) => {
            const deleted = chunk.split("\n").filter((l) => l.includes('"prune.deleted"'));
            sidecars += deleted.filter((l) => l.includes('"role":"sidecar"')).length;
            if (sidecars >= 3) child.kill("SIGKILL");
          },
        },
      );
      expect(killed.signal).toBe("SIGKILL");
    } finally {
      await proxy.remove();
    }
    const between = await allKeys(client, bucket);
    const left = dumpsIn(between);
    expect(left.length).toBeGreaterThan(keep.length); // stopped before the end
    expect(left.length).toBeLessThan(backups.length); // after some removals
    for (const k of keep) expect(between).toContain(sidecarKey(k)); // nothing kept was touched
    // What the kill left mid-backup: a dump that is no longer committed, nothing worse.
    const uncommitted = left.filter((k) => !between.includes(sidecarKey(k)));
    expect(uncommitted).toHaveLength(1);
    expect(
      between.filter((k) => k.endsWith(".meta.json") && !between.includes(k.slice(0, -10))),
    ).toEqual([]);

    const resumed = await prune(bucket, [...args, "--apply"]);
    expect(resumed.outcome).toBe("pruned");
    const end = await allKeys(client, bucket);
    expect(dumpsIn(end)).toEqual(keep);
    expect(end.filter((k) => k.endsWith(".meta.json")).map((k) => k.slice(0, -10))).toEqual(keep);
    expect(
      end.filter((k) => k.includes(".verify/")).every((k) => keep.some((d) => k.startsWith(d))),
    ).toBe(true);
  });

  it("removes nothing while a dump of the database is uncommitted and young (an upload may be running)", async () => {
    const bucket = await s3.createBucket("prune-running");
    const now = Date.now();
    const backups: SeedBackup[] = Array.from({ length: 6 }, (_, i) => ({
      db: "neo4j",
      createdAt: new Date(Math.floor((now - (6 - i) * DAY) / 1000) * 1000),
      verified: true,
    }));
    backups.push({
      db: "neo4j",
      createdAt: new Date(Math.floor(now / 1000) * 1000),
      uncommitted: true,
    });
    await seed(client, bucket, "prod", backups);
    const before = await allKeys(client, bucket);
    // Through scripts/neo4j/prune_backups.sh, which passes everything on to nbs-upload prune.
    const script = fileURLToPath(
      new URL("../../../scripts/neo4j/prune_backups.sh", import.meta.url),
    );
    const run = spawnSync(
      "bash",
      [
        script,
        "--bucket",
        bucket,
        "--prefix",
        "prod",
        "--keep-last",
        "1",
        "--time-tolerance",
        "400d",
        "--apply",
      ],
      {
        env: {
          PATH: process.env["PATH"] ?? "",
          HOME: process.env["HOME"] ?? "/tmp",
          NBS_LOG_FORMAT: "json",
          ...env,
        },
        encoding: "utf8",
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { plan: Row[] };
    expect(out.plan.every((r) => r.action === "keep")).toBe(true);
    expect(out.plan[0]!.reasons[0]).toMatch(/may be running \(uncommitted .* younger than 12h\)/);
    expect(await allKeys(client, bucket)).toEqual(before);
  });

  it("flags and keeps a backup whose created_at is far from the server's LastModified", async () => {
    const bucket = await s3.createBucket("prune-skew");
    const now = Date.now();
    const backups: SeedBackup[] = [
      {
        db: "neo4j",
        createdAt: new Date(Math.floor((now - 3 * HOUR) / 1000) * 1000),
        verified: true,
      },
      ...[30, 20, 10].map((m) => ({
        db: "neo4j",
        createdAt: new Date(Math.floor((now - m * 60_000) / 1000) * 1000),
        verified: true,
      })),
    ];
    await seed(client, bucket, "prod", backups);
    const out = await prune(bucket, ["--keep-last", "1"]);
    const byKey = new Map(out.plan.map((r) => [r.key, r]));
    expect(byKey.get(keyOf("prod", backups[0]!))).toMatchObject({ action: "keep", flagged: true });
    expect(byKey.get(keyOf("prod", backups[0]!))!.reasons[0]).toMatch(
      /^flagged: created_at .* differ by more than 1h$/,
    );
    expect(byKey.get(keyOf("prod", backups[1]!))!.action).toBe("remove");

    // The same plan as a table (a terminal's default; --json false here).
    const table = await runCli(
      ["prune", "--bucket", bucket, "--prefix", "prod", "--json", "false", "--keep-last", "1"],
      env,
    );
    expect(table.stdout.split("\n")[0]).toMatch(
      /^ACTION\s+DB\s+STATE\s+CREATED \(UTC\)\s+KEY\s+REASON$/,
    );
    expect(table.stdout).toMatch(/^keep! +neo4j +committed /m);
  });
});
