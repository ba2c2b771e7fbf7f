import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { startWebhookReceiver } from "../src/receiver.ts";
import { baseEnv, repoRoot, run, type Run } from "../src/run.ts";

// backup_sync.sh orchestrates three CLIs; here they are replaced by a fake that records its
// arguments and fails on request (NBS_UPLOAD_BIN / NBS_VERIFY_BIN, the entry points' own
// override). The real CLIs run in workflows.integ.test.ts.
const SCRIPT = join(repoRoot, "scripts/neo4j/backup_sync.sh");
const FAKE = `${process.execPath} ${fileURLToPath(new URL("./fake-cli.mjs", import.meta.url))}`;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Sync extends Run {
  dir: string;
  logDir: string;
  calls: Array<{ step: string; db: string; args: string[] }>;
  result: {
    dry_run: boolean;
    exit_code: number;
    databases: Array<{ database: string; failed_step: string | null; exit_code: number }>;
  };
  summary: string;
}

async function backupSync(args: string[], env: Record<string, string> = {}): Promise<Sync> {
  const dir = mkdtempSync(join(tmpdir(), "nbs-sync-unit-"));
  dirs.push(dir);
  const logDir = join(dir, "logs");
  const calls = join(dir, "calls.jsonl");
  writeFileSync(calls, "");
  const result = await run(
    SCRIPT,
    ["--out-dir", join(dir, "dumps"), "--log-dir", logDir, ...args],
    { ...baseEnv(), NBS_UPLOAD_BIN: FAKE, NBS_VERIFY_BIN: FAKE, FAKE_CALLS: calls, ...env },
  );
  const read = (name: string) => {
    try {
      return readFileSync(join(logDir, name), "utf8");
    } catch {
      return "";
    }
  };
  return {
    ...result,
    dir,
    logDir,
    calls: readFileSync(calls, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Sync["calls"][number]),
    result: JSON.parse(read("result.json") || "{}") as Sync["result"],
    summary: read("summary.md"),
  };
}

// Each case starts several processes; on a loaded CI machine (dev.sh test builds, lints and tests
// every package at once) that takes seconds to minutes. A bound for a hang only.
describe("backup_sync.sh", { timeout: 180_000 }, () => {
  it("dumps every database in one backup.sh run (one stop window), then uploads and verifies each, and exits 0", async () => {
    const sync = await backupSync(["--db", "alpha", "--db", "beta"], { BACKUP_S3_BUCKET: "b1" });
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.calls.map((c) => `${c.step}:${c.db}`)).toEqual([
      "dump:alpha,beta",
      "upload:alpha",
      "verify:alpha",
      "upload:beta",
      "verify:beta",
    ]);
    const upload = sync.calls.find((c) => c.step === "upload")!;
    expect(upload.args).toEqual(
      expect.arrayContaining(["--file", join(sync.dir, "dumps/alpha-20261130T010203Z.dump")]),
    );
    const verify = sync.calls.find((c) => c.step === "verify")!;
    expect(verify.args).toEqual(
      expect.arrayContaining(["--s3-uri", "s3://b1/prod/alpha/alpha-20261130T010203Z.dump"]),
    );
    expect(verify.args).toEqual(expect.arrayContaining(["--mode", "checksum"]));
    expect(sync.result).toMatchObject({ dry_run: false, exit_code: 0 });
    expect(readdirSync(sync.logDir).sort()).toEqual(
      expect.arrayContaining([
        "_set.dump.json",
        "_set.dump.log",
        "alpha.upload.json",
        "alpha.upload.log",
        "alpha.verify.json",
        "alpha.verify.log",
        "alpha.verify.md",
        "result.json",
        "summary.md",
      ]),
    );
    expect(sync.summary).toContain("| beta | dumped | uploaded | verified (checksum) |");
  });

  it("passes --metrics-file (or NBS_METRICS_FILE) to every step", async () => {
    const byFlag = await backupSync(["--db", "alpha", "--metrics-file", "/m/nbs.prom"], {
      BACKUP_S3_BUCKET: "b1",
    });
    expect(byFlag.code, byFlag.stderr).toBe(0);
    const byEnv = await backupSync(["--db", "alpha"], {
      BACKUP_S3_BUCKET: "b1",
      NBS_METRICS_FILE: "/m/nbs.prom",
    });
    for (const sync of [byFlag, byEnv]) {
      expect(sync.calls.map((c) => c.step)).toEqual(["dump", "upload", "verify"]);
      for (const call of sync.calls)
        expect(call.args.join(" "), call.step).toContain("--metrics-file /m/nbs.prom");
    }
  });

  it("shows each dump's measured downtime in the summary", async () => {
    const sync = await backupSync(["--db", "alpha"], {
      BACKUP_S3_BUCKET: "b1",
      FAKE_DOWNTIME_MS_alpha: "12345",
    });
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.summary).toContain("| alpha | dumped, down 12.3 s | uploaded |");
  });

  it("exits with the highest code of any failed step, and still backs up the other databases", async () => {
    const sync = await backupSync(["--db", "aaa", "--db", "bbb", "--db", "ccc"], {
      BACKUP_S3_BUCKET: "b1",
      FAKE_EXIT_UPLOAD_aaa: "4",
      FAKE_EXIT_VERIFY_bbb: "5",
    });
    expect(sync.code).toBe(5);
    expect(sync.calls.map((c) => `${c.step}:${c.db}`)).toEqual([
      "dump:aaa,bbb,ccc",
      "upload:aaa",
      "upload:bbb",
      "verify:bbb",
      "upload:ccc",
      "verify:ccc",
    ]);
    expect(sync.result.databases).toEqual([
      expect.objectContaining({ database: "aaa", failed_step: "upload", exit_code: 4 }),
      expect.objectContaining({ database: "bbb", failed_step: "verify", exit_code: 5 }),
      expect.objectContaining({ database: "ccc", failed_step: null, exit_code: 0 }),
    ]);
    expect(sync.summary).toContain("FAILED (exit 5)");
  });

  it("a failed window fails every database of it: nothing uploaded, each row names the dump and its exit code", async () => {
    const sync = await backupSync(["--db", "system", "--db", "neo4j"], {
      BACKUP_S3_BUCKET: "b1",
      FAKE_EXIT_DUMP_SET: "6",
    });
    expect(sync.code).toBe(6);
    expect(sync.calls.map((c) => `${c.step}:${c.db}`)).toEqual(["dump:system,neo4j"]);
    expect(sync.result.databases).toEqual([
      expect.objectContaining({ database: "system", failed_step: "dump", exit_code: 6 }),
      expect.objectContaining({ database: "neo4j", failed_step: "dump", exit_code: 6 }),
    ]);
  });

  it("in a dry run dumps for real, only plans the upload, verifies the local file, with no AWS variables", async () => {
    const sync = await backupSync(["--db", "neo4j", "--verify", "load"], { DRY_RUN: "1" });
    expect(sync.code, sync.stderr).toBe(0);
    const [dump, upload, verify] = sync.calls;
    expect(dump!.args).not.toContain("--dry-run");
    expect(upload!.args).toContain("--dry-run");
    expect(verify!.args).toEqual(
      expect.arrayContaining(["--file", join(sync.dir, "dumps/neo4j-20261130T010203Z.dump")]),
    );
    expect(verify!.args).toEqual(expect.arrayContaining(["--mode", "load"]));
    expect(sync.result.dry_run).toBe(true);
    expect(sync.summary).toContain("dry run (nothing uploaded)");
  });

  it("appends its Markdown summary to $GITHUB_STEP_SUMMARY", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nbs-sync-summary-"));
    dirs.push(dir);
    const summaryFile = join(dir, "step-summary.md");
    writeFileSync(summaryFile, "earlier step\n");
    const sync = await backupSync(["--db", "neo4j"], {
      BACKUP_S3_BUCKET: "b1",
      GITHUB_STEP_SUMMARY: summaryFile,
    });
    expect(sync.code).toBe(0);
    const written = readFileSync(summaryFile, "utf8");
    expect(written.startsWith("earlier step\n")).toBe(true);
    expect(written).toContain("### Neo4j backup sync: ok, live");
    expect(written).toContain("#### verify neo4j: ok");
  });

  it("posts one webhook per failed database with its step, exit code and key, and never prints the URL", async () => {
    const receiver = await startWebhookReceiver();
    try {
      const sync = await backupSync(["--db", "ok1", "--db", "bad"], {
        BACKUP_S3_BUCKET: "b1",
        BACKUP_S3_PREFIX: "/prod/",
        FAKE_EXIT_UPLOAD_bad: "4",
        NBS_NOTIFY_WEBHOOK: receiver.url,
        GITHUB_RUN_ID: "42",
        GITHUB_REPOSITORY: "acme/nbs",
        GITHUB_SERVER_URL: "https://github.example",
      });
      expect(sync.code).toBe(4);
      expect(receiver.received).toEqual([
        expect.objectContaining({
          database: "bad",
          step: "upload",
          exit_code: 4,
          key: "prod/bad/bad-20261130T010203Z.dump",
          run_url: "https://github.example/acme/nbs/actions/runs/42",
          text: expect.stringContaining("database bad, step upload, exit 4"),
        }),
      ]);
      const secret = new URL(receiver.url).pathname;
      const everything = [sync.stdout, sync.stderr]
        .concat(readdirSync(sync.logDir).map((f) => readFileSync(join(sync.logDir, f), "utf8")))
        .join("\n");
      expect(everything).toContain("webhook for bad: HTTP 200");
      expect(everything).not.toContain(secret);
    } finally {
      await receiver.close();
    }
  });

  it("pings NBS_HEALTHCHECK_URL for the whole job (start, then its exit code); the steps never see the URL", async () => {
    const pings: Array<{ path: string; rid: string | null; body: string }> = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://x");
        pings.push({ path: url.pathname, rid: url.searchParams.get("rid"), body });
        res.end("OK");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const token = crypto.randomUUID();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ping/${token}`;
    try {
      const ok = await backupSync(["--db", "ok1"], {
        BACKUP_S3_BUCKET: "b1",
        NBS_HEALTHCHECK_URL: url,
      });
      expect(ok.code).toBe(0);
      const bad = await backupSync(["--db", "ok1", "--db", "bad"], {
        BACKUP_S3_BUCKET: "b1",
        FAKE_EXIT_UPLOAD_bad: "4",
        NBS_HEALTHCHECK_URL: url,
      });
      expect(bad.code).toBe(4);
      expect(pings.map((p) => [p.path, p.body])).toEqual([
        [`/ping/${token}/start`, "backup_sync.sh: started"],
        [`/ping/${token}`, "backup_sync.sh: ok"],
        [`/ping/${token}/start`, "backup_sync.sh: started"],
        [`/ping/${token}/4`, "backup_sync.sh: exit 4"],
      ]);
      expect(pings[1]!.rid).toBe(pings[0]!.rid);
      expect(pings[2]!.rid).not.toBe(pings[0]!.rid);
      for (const sync of [ok, bad]) {
        const everything = [sync.stdout, sync.stderr]
          .concat(readdirSync(sync.logDir).map((f) => readFileSync(join(sync.logDir, f), "utf8")))
          .join("\n");
        expect(everything).not.toContain(token);
        expect(everything).not.toContain("step saw NBS_HEALTHCHECK_URL");
      }
      expect(bad.stderr).toContain("healthcheck failure ping: HTTP 200");
    } finally {
      server.closeAllConnections();
      server.close();
    }
    // A receiver that is gone: the job's exit code stands.
    const gone = await backupSync(["--db", "bad"], {
      BACKUP_S3_BUCKET: "b1",
      FAKE_EXIT_DUMP_bad: "6",
      NBS_HEALTHCHECK_URL: url,
    });
    expect(gone.code).toBe(6);
    expect(gone.stderr).toContain("healthcheck failure ping: not delivered (ECONNREFUSED)");
  });

  it("marks a backup the upload's shrink guard flagged in the summary and warns, exit 0", async () => {
    const sync = await backupSync(["--db", "ok1", "--db", "small"], {
      BACKUP_S3_BUCKET: "b1",
      FAKE_SHRINK_small: "0.05",
    });
    expect(sync.code).toBe(0);
    expect(sync.summary).toContain("| small | dumped | uploaded, shrank 95% |");
    expect(sync.summary).toContain(
      "> ⚠️ **small**: this backup is 95% smaller than the previous one (`prod/small/small-20261129T010203Z.dump`)",
    );
    expect(sync.summary).not.toContain("**ok1**");
    expect(sync.stderr).toContain("small: WARNING the backup shrank 95%");
  });

  it("keeps the step's exit code when the webhook refuses or cannot be reached", async () => {
    const refusing = await startWebhookReceiver(500);
    const refused = await backupSync(["--db", "bad"], {
      BACKUP_S3_BUCKET: "b1",
      FAKE_EXIT_DUMP_bad: "6",
      NBS_NOTIFY_WEBHOOK: refusing.url,
    });
    await refusing.close();
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain("HTTP 500, refused");

    const gone = await startWebhookReceiver();
    await gone.close();
    const unreachable = await backupSync(["--db", "bad"], {
      BACKUP_S3_BUCKET: "b1",
      FAKE_EXIT_DUMP_bad: "6",
      NBS_NOTIFY_WEBHOOK: gone.url,
    });
    expect(unreachable.code).toBe(6);
    expect(unreachable.stderr).toContain("webhook for bad not delivered (ECONNREFUSED)");
    expect(unreachable.stderr).not.toContain(new URL(gone.url).pathname);
  });

  it.each([
    [["--bogus"], {}, "unknown argument '--bogus'"],
    [["--verify", "full"], {}, "--verify 'full' is not one of none, checksum, check, load"],
    [[], { DRY_RUN: "maybe" }, "DRY_RUN='maybe' is not a boolean"],
    [["--db", "no/slash"], {}, "'no/slash' is not a Neo4j database name"],
    [["--db", "../.."], {}, "'../..' is not a Neo4j database name"],
    [["--db", ".hidden"], {}, "'.hidden' is not a Neo4j database name"],
    [["--db", "ab"], {}, "'ab' is not a Neo4j database name"],
    [["--db", "trailing-"], {}, "'trailing-' is not a Neo4j database name"],
    [["--db", "x".repeat(64)], {}, `'${"x".repeat(64)}' is not a Neo4j database name`],
    [[], { NBS_DATABASES: "neo4j,../../runner" }, "'../../runner' is not a Neo4j database name"],
    [["--db", "neo4j"], {}, "no bucket; set BACKUP_S3_BUCKET (or run with DRY_RUN=1)"],
  ])("refuses %j with exit 2 and a one-line reason", async (args, env, message) => {
    const sync = await backupSync(args, env);
    expect(sync.code).toBe(2);
    expect(sync.stderr.trim().split("\n")).toHaveLength(1);
    expect(sync.stderr).toContain(message);
    expect(sync.calls).toEqual([]);
  });

  it("refuses to run without --out-dir", async () => {
    const res = await run(SCRIPT, ["--db", "neo4j"], { ...baseEnv(), NBS_UPLOAD_BIN: FAKE });
    expect(res.code).toBe(2);
    expect(res.stderr.trim()).toBe(
      "backup_sync.sh: no --out-dir; pass --out-dir DIR (or set NBS_OUT_DIR) for the dumps",
    );
  });

  it("documents its exit codes at the end of --help", async () => {
    const res = await run(SCRIPT, ["--help"], baseEnv());
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split("\n");
    expect(lines.at(-9)).toMatch(/^Exit codes/);
    expect(lines.slice(-8).map((l) => l.trim().split(/\s+/)[0])).toEqual([
      "0",
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
      "130",
    ]);
  });
});
