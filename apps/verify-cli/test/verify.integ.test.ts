import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import {
  createEphemeralNeo4j,
  DEMO_GRAPH,
  describeInteg,
  getS3TestEnv,
  seedDemoGraph,
  type EphemeralNeo4j,
  type S3TestEnv,
} from "@nbs/testenv";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { cliPath, script, verify, type CliRun as Run } from "@nbs/testenv/run-cli";

// The graph seeded into the source DBMS (testenv's demo graph): what the sidecar's stats must say.
const COUNTS = DEMO_GRAPH;

let s3: S3TestEnv;
let client: S3Client;
let bucket: string;
let source: EphemeralNeo4j;
let s3Env: Record<string, string>;
let dumpFile: string;
let key: string;
let busy: { backup: Run; committed: number };
const runs: Run[] = [];
const scratchDirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), "nbs-verify-integ-"));
  scratchDirs.push(dir);
  return dir;
};

async function nbsVerify(
  args: readonly string[],
  extraEnv: Record<string, string> = {},
): Promise<Run> {
  const result = await verify(args, { ...s3Env, ...extraEnv });
  runs.push(result);
  return result;
}
async function upload(prefix: string): Promise<string> {
  const up = await script("upload_backup_to_s3.sh", ["--file", dumpFile, "--json"], {
    ...s3Env,
    BACKUP_S3_PREFIX: prefix,
  });
  expect(up.code, up.stderr).toBe(0);
  return (JSON.parse(up.stdout) as { key: string }).key;
}

/**
 * Every entry under a Neo4j home: type, mode, size, and the sha256 of every regular file.
 * Symlinks (bin/ and lib/ point into the shared install) are recorded by target, not followed.
 * Taken with the source DBMS STOPPED, so nothing in logs/, run/ or data/ churns on its own and
 * the whole tree can be compared byte for byte, excluding nothing.
 */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const st = lstatSync(path);
      const rel = path.slice(root.length);
      if (st.isSymbolicLink()) out.set(rel, `link ${readlinkSync(path)}`);
      else if (st.isDirectory()) {
        out.set(rel, `dir ${st.mode.toString(8)}`);
        walk(path);
      } else
        out.set(
          rel,
          `file ${st.mode.toString(8)} ${st.size} ${createHash("sha256").update(readFileSync(path)).digest("hex")}`,
        );
    }
  };
  walk(root);
  return out;
}

/** Whether a Neo4j server JVM (not `neo4j start`'s launcher) whose command line names `dir` runs. */
function serverJvmNaming(dir: string): boolean {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    if (cmdline.includes("EntryPoint") && cmdline.includes(dir)) return true;
  }
  return false;
}

beforeAll(async () => {
  // backup.sh and upload_backup_to_s3.sh run this checkout's nbs-upload (a devDependency, so turbo builds it first).
  const uploadCli = join(
    dirname(fileURLToPath(import.meta.resolve("@nbs/upload-cli/package.json"))),
    "dist",
    "cli.js",
  );
  for (const cli of [cliPath("@nbs/verify-cli"), uploadCli])
    expect(existsSync(cli), `build first: pnpm turbo run build --filter @nbs/verify-cli...`).toBe(
      true,
    );
  s3 = await getS3TestEnv();
  client = s3.client();
  bucket = await s3.createBucket("verify");
  s3Env = { ...s3.processEnv(), BACKUP_S3_BUCKET: bucket };

  // A fresh source DBMS (own home, ports and password) stands in for the operator's Neo4j, so
  // backup.sh's stop/start touches nothing shared and its home can be snapshotted.
  source = await createEphemeralNeo4j();
  await source.start();
  await seedDemoGraph(source);
  const out = scratch();
  const backup = await script(
    "backup.sh",
    ["--db", "neo4j", "--out-dir", out, "--neo4j-home", source.home, "--json"],
    { NEO4J_URI: source.uri, NEO4J_PASSWORD: source.password },
  );
  expect(backup.code, backup.stderr).toBe(0);
  dumpFile = (JSON.parse(backup.stdout) as { file: string }).file;
  key = await upload("e2e");
  // backup.sh started the source again: take the busy backup now (its test asserts on it),
  // rather than stopping the source here and starting it once more in that test.
  busy = await busyBackup();
  await source.stop();
}, 1_500_000);

/** backup.sh while a writer commits through the dump; the source is running and stays so. */
async function busyBackup(): Promise<{ backup: Run; committed: number }> {
  const writer = source.driver();
  let writing = true;
  let committed = 0;
  const writes = (async () => {
    while (writing) {
      try {
        await writer.executeQuery("CREATE (:Busy)");
        committed += 1;
      } catch {
        await new Promise((r) => setTimeout(r, 50)); // down for the dump; keep trying
      }
    }
  })();
  try {
    // The writer is going once its first transaction committed (polled, bounded).
    for (let waited = 0; committed === 0 && waited < 60_000; waited += 20)
      await new Promise((r) => setTimeout(r, 20));
    const backup = await script(
      "backup.sh",
      ["--db", "neo4j", "--out-dir", scratch(), "--neo4j-home", source.home, "--json"],
      { NEO4J_URI: source.uri, NEO4J_PASSWORD: source.password },
    );
    return { backup, committed };
  } finally {
    writing = false;
    await writes;
    await writer.close();
  }
}

afterAll(async () => {
  await source?.remove();
  client?.destroy();
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

describeInteg("nbs-verify against the real MinIO and Neo4j", () => {
  it("loads a fresh backup into an ephemeral Neo4j, finds the seeded counts, and leaves the operator's home untouched", async () => {
    const before = snapshot(source.home);
    const dir = scratch();
    const work = scratch();
    const result = await script(
      "verify_restore.sh",
      [
        "--bucket",
        bucket,
        "--key",
        key,
        "--mode",
        "load",
        "--neo4j-home",
        source.home,
        "--work-dir",
        work,
        "--report",
        join(dir, "report.json"),
        "--summary-md",
        join(dir, "summary.md"),
        "--json",
        "--smoke-query",
        "MATCH (:Person)-[:WORKS_AT]->(:Company) RETURN 1",
        "--expect-min-rows",
        "3",
      ],
      s3Env,
    );
    runs.push(result);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as Record<
      string,
      unknown
    > & { checks: Array<{ id: string; status: string }> };
    expect(report).toMatchObject({
      ok: true,
      outcome: "verified",
      mode: "load",
      sidecar: "valid",
      // the uploaded sidecar carries how the counts were taken: idle, so exact
      counts: { expected: { ...COUNTS, exact: true }, actual: COUNTS },
      neo4j: { version: source.version, database: "neo4j" },
    });
    expect(report.checks.filter((c) => c.status !== "pass")).toEqual([]);
    expect(report.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        "sha256.sidecar",
        "sha256.object",
        "size.object",
        "neo4j.load",
        "neo4j.start",
        "count.label.Person",
        "count.type.KNOWS",
        "smoke.query",
      ]),
    );
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: true,
      exit_code: 0,
      counts: { actual: COUNTS },
    });
    const md = readFileSync(join(dir, "summary.md"), "utf8");
    expect(md).toContain("### nbs-verify: ✅ verified");
    expect(md).toContain("| ✅ | :Person | 3 | 3 |");
    expect(readdirSync(work)).toEqual([]); // workspace and ephemeral home removed
    // and the ephemeral server is gone with them (dispose kills it once the counts are in)
    const jvms = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })
      .split("\n")
      .filter((line) => line.includes(work));
    expect(jvms).toEqual([]);
    expect(snapshot(source.home)).toEqual(before);
  });

  it("passes --mode check (load, then neo4j-admin's consistency check) on a good dump", async () => {
    const result = await nbsVerify([
      "--s3-uri",
      `s3://${bucket}/${key}`,
      "--mode",
      "check",
      "--neo4j-home",
      source.home,
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as { checks: Array<{ id: string; status: string }> };
    expect(doc.checks.filter((c) => c.id.startsWith("neo4j."))).toEqual([
      expect.objectContaining({ id: "neo4j.load", status: "pass" }),
      expect.objectContaining({ id: "neo4j.check", status: "pass" }),
    ]);
  });

  it("with --latest picks the newest committed backup and ignores a newer dump that has no sidecar", async () => {
    const newer = "e2e/neo4j/neo4j-29991231T235959Z.dump";
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: newer, Body: readFileSync(dumpFile) }),
    );
    const latest = await nbsVerify([
      "--latest",
      "--prefix",
      "e2e",
      "--db",
      "neo4j",
      "--skip-load",
      "--json",
    ]);
    expect(latest.code, latest.stderr).toBe(0);
    expect(JSON.parse(latest.stdout)).toMatchObject({
      outcome: "verified",
      source: { key },
      skipped: [],
      uncommitted: [newer],
    });

    const explicit = await nbsVerify(["--key", newer, "--mode", "checksum", "--json"]);
    expect(explicit.code).toBe(5);
    expect(JSON.parse(explicit.stdout)).toMatchObject({
      error: { code: "NOT_COMMITTED", category: "INTEGRITY" },
    });
  });

  it("with --latest fails (exit 5) naming a newer backup whose sidecar is invalid, instead of verifying an older one", async () => {
    const olderKey = await upload("latest-broken");
    const broken = "latest-broken/neo4j/neo4j-29991231T235959Z.dump";
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: broken, Body: readFileSync(dumpFile) }),
    );
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${broken}.meta.json`,
        Body: JSON.stringify({ schemaVersion: 1, sha256: "not-a-sha" }),
      }),
    );
    const dir = scratch();
    const result = await nbsVerify([
      "--latest",
      "--prefix",
      "latest-broken",
      "--db",
      "neo4j",
      "--skip-load",
      "--json",
      "--summary-md",
      join(dir, "s.md"),
    ]);
    expect(result.code, result.stderr).toBe(5);
    const doc = JSON.parse(result.stdout) as {
      error: { code: string; message: string; hint: string };
      report: { skipped: Array<{ key: string; reason: string }>; sha256: unknown };
    };
    expect(doc.error.code).toBe("NEWEST_BACKUP_BROKEN");
    expect(doc.error.message).toContain(`s3://${bucket}/${broken}.meta.json does not match`);
    expect(doc.error.hint).toContain(`s3://${bucket}/${olderKey}`);
    expect(doc.report.skipped).toEqual([
      { key: broken, reason: expect.stringContaining("does not match the .meta.json schema") },
    ]);
    expect(doc.report.sha256).toEqual({}); // the older backup was not downloaded in its place
    expect(readFileSync(join(dir, "s.md"), "utf8")).toContain(
      `| ❌ newer backup broken | \`${broken}\``,
    );
  });

  it("loads a local dump with no sidecar and reports it, but calls it unverified (exit 5) until --sha256 gives a reference", async () => {
    const dir = scratch();
    const alone = join(dir, "neo4j-20261124T101500Z.dump");
    copyFileSync(dumpFile, alone);
    const loaded = await nbsVerify([
      "--file",
      alone,
      "--mode",
      "load",
      "--neo4j-home",
      source.home,
      "--work-dir",
      scratch(),
      "--json",
    ]);
    expect(loaded.code, loaded.stderr).toBe(5);
    const doc = JSON.parse(loaded.stdout) as {
      error: { hint: string };
      report: { outcome: string; counts: unknown; checks: Array<{ id: string; status: string }> };
    };
    expect(doc.report.outcome).toBe("unverified");
    expect(doc.report.counts).toMatchObject({ actual: COUNTS });
    expect(doc.report.checks.find((c) => c.id === "neo4j.start")?.status).toBe("pass");
    expect(doc.error.hint).toContain("--sha256");

    const sha = createHash("sha256").update(readFileSync(alone)).digest("hex");
    const checked = await nbsVerify([
      "--file",
      alone,
      "--mode",
      "checksum",
      "--sha256",
      sha,
      "--json",
    ]);
    expect(checked.code, checked.stderr).toBe(0);
    expect(JSON.parse(checked.stdout)).toMatchObject({ outcome: "verified" });
  });

  it("exits 5 naming the mismatch when one byte of the stored object changed (sidecar kept)", async () => {
    const tamperedKey = await upload("tampered");
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: tamperedKey }));
    const bytes = Buffer.from(
      await (
        await client.send(new GetObjectCommand({ Bucket: bucket, Key: tamperedKey }))
      ).Body!.transformToByteArray(),
    );
    const good = createHash("sha256").update(bytes).digest("hex");
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = bytes[middle]! ^ 0x01;
    const bad = createHash("sha256").update(bytes).digest("hex");
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: tamperedKey,
        Body: bytes,
        Metadata: head.Metadata,
      }),
    );

    const result = await nbsVerify(["--key", tamperedKey, "--mode", "checksum", "--json"]);
    expect(result.code).toBe(5);
    const doc = JSON.parse(result.stdout) as {
      error: { message: string };
      report: { sha256: unknown };
    };
    expect(doc.error.message).toContain(
      `sha256 = sidecar: expected ${good.slice(0, 12)}…, actual ${bad.slice(0, 12)}…`,
    );
    expect(doc.error.message).toContain("sha256 = object metadata nbs-sha256");
    expect(doc.report.sha256).toEqual({ expected: good, actual: bad });
  });

  it("exits 5 when the sidecar does not match the schema", async () => {
    const badKey = await upload("badmeta");
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${badKey}.meta.json`,
        Body: JSON.stringify({ schemaVersion: 1, sha256: "not-a-sha" }),
      }),
    );
    const result = await nbsVerify([
      "--s3-uri",
      `s3://${bucket}/${badKey}`,
      "--mode",
      "checksum",
      "--json",
    ]);
    expect(result.code).toBe(5);
    expect(JSON.parse(result.stdout)).toMatchObject({
      error: {
        code: "SIDECAR_INVALID",
        message: expect.stringContaining("does not match the .meta.json schema"),
      },
    });
  });

  it("fails a truncated dump with exit 6 and a clear message, and cleans up", async () => {
    const dir = scratch();
    const truncated = join(dir, "neo4j-20261124T101500Z.dump");
    copyFileSync(dumpFile, truncated); // no sidecar copied: nothing to catch it before Neo4j
    truncateSync(truncated, Math.floor(lstatSync(dumpFile).size / 2));
    const work = scratch();
    const result = await nbsVerify([
      "--file",
      truncated,
      "--mode",
      "load",
      "--neo4j-home",
      source.home,
      "--work-dir",
      work,
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(6);
    expect(JSON.parse(result.stdout)).toMatchObject({
      error: {
        code: "DUMP_LOAD_FAILED",
        category: "NEO4J",
        message: expect.stringMatching(
          /^the dump did not load into an ephemeral Neo4j 5\.\d+\.\d+: Failed to load database 'neo4j': .*Truncated source/,
        ),
      },
    });
    expect(readdirSync(work)).toEqual([]);
  });

  it("fails --mode check with exit 6 on a dump of an inconsistent store, naming neo4j-admin's finding", async () => {
    // Load the good dump into a scratch DBMS, point relationship 0 at a node that does not exist,
    // and dump that store: the bytes are fine (and given with --sha256), the graph is not.
    const scratchDbms = await createEphemeralNeo4j();
    const dir = scratch();
    const bad = join(dir, "neo4j-20261124T101500Z.dump");
    try {
      const from = scratch();
      copyFileSync(dumpFile, join(from, "neo4j.dump"));
      await scratchDbms.admin([
        "database",
        "load",
        `--from-path=${from}`,
        "neo4j",
        "--overwrite-destination",
      ]);
      const store = join(
        scratchDbms.home,
        "data",
        "databases",
        "neo4j",
        "neostore.relationshipstore.db",
      );
      const records = readFileSync(store);
      records.writeUInt32BE(65_520, 5); // record 0 (34 bytes, 5.x aligned format): its end node
      writeFileSync(store, records);
      const to = scratch();
      await scratchDbms.admin(["database", "dump", "neo4j", `--to-path=${to}`]);
      copyFileSync(join(to, "neo4j.dump"), bad);
    } finally {
      await scratchDbms.remove();
    }
    const sha = createHash("sha256").update(readFileSync(bad)).digest("hex");
    const result = await nbsVerify([
      "--file",
      bad,
      "--sha256",
      sha,
      "--mode",
      "check",
      "--neo4j-home",
      source.home,
      "--work-dir",
      scratch(),
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(6);
    const doc = JSON.parse(result.stdout) as {
      error: { code: string; message: string };
      report: { checks: Array<{ id: string; status: string; detail?: string }> };
    };
    expect(doc.error).toMatchObject({
      code: "CONSISTENCY_CHECK_FAILED",
      message: expect.stringMatching(
        /^neo4j-admin found the restored database inconsistent: Inconsistencies found\. See '.*' for details\.$/,
      ),
    });
    expect(doc.report.checks.map((c) => [c.id, c.status])).toEqual([
      ["sidecar", "skip"],
      ["sha256.expected", "pass"],
      ["neo4j.load", "pass"],
      ["transaction.dumped", "skip"],
      ["neo4j.check", "fail"],
    ]);
  });

  it("on Ctrl-C while the ephemeral Neo4j starts: exit 130, the instance stopped, the workspace removed", async () => {
    const work = scratch();
    let sent = false;
    const result = await verify(
      [
        "--s3-uri",
        `s3://${bucket}/${key}`,
        "--mode",
        "load",
        "--neo4j-home",
        source.home,
        "--work-dir",
        work,
        "--json",
      ],
      s3Env,
      (chunk, child) => {
        if (!sent && chunk.includes('"verify.neo4j.starting"')) {
          sent = true;
          // Once `neo4j start` launched the server JVM (polled, bounded), not after a fixed wait.
          const since = Date.now();
          const poll = setInterval(() => {
            if (serverJvmNaming(work) || Date.now() - since > 60_000) {
              clearInterval(poll);
              child.kill("SIGINT");
            }
          }, 100);
        }
      },
    );
    runs.push(result);
    expect(sent).toBe(true);
    expect(result.code, result.stderr).toBe(130);
    expect(JSON.parse(result.stdout)).toMatchObject({
      error: { code: "INTERRUPTED", category: "ABORTED" },
    });
    expect(readdirSync(work)).toEqual([]);
    const jvms = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })
      .split("\n")
      .filter((line) => line.includes(work));
    expect(jvms).toEqual([]);
  });

  it("on an idle database records exact counts, and still fails (exit 6) when the dump holds fewer nodes than counted", async () => {
    const sidecar = JSON.parse(readFileSync(`${dumpFile}.meta.json`, "utf8")) as {
      stats: Record<string, unknown> & { nodes: number; labels: Record<string, number> };
    };
    // Nothing wrote between counting and the stop: the counts describe the dump exactly.
    expect(sidecar.stats).toMatchObject({
      ...COUNTS,
      exact: true,
      counted_at_tx: expect.any(Number),
      dumped_at_tx: sidecar.stats["counted_at_tx"],
    });
    // The same dump, its sidecar claiming one :Person more than the dump holds (a lost node).
    const dir = scratch();
    const copy = join(dir, "neo4j-20261124T101500Z.dump");
    copyFileSync(dumpFile, copy);
    const claims = {
      ...sidecar,
      stats: {
        ...sidecar.stats,
        nodes: sidecar.stats.nodes + 1,
        labels: { ...sidecar.stats.labels, Person: sidecar.stats.labels["Person"]! + 1 },
      },
    };
    writeFileSync(`${copy}.meta.json`, JSON.stringify(claims));
    const result = await nbsVerify([
      "--file",
      copy,
      "--mode",
      "load",
      "--neo4j-home",
      source.home,
      "--work-dir",
      scratch(),
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(6);
    const doc = JSON.parse(result.stdout) as {
      error: { code: string; message: string };
      report: { outcome: string; checks: Array<{ id: string; status: string }> };
    };
    expect(doc.error).toMatchObject({
      code: "COUNTS_MISMATCH",
      message:
        "the restored database's counts differ from the sidecar's stats: nodes expected 6, found 5; :Person expected 4, found 3",
    });
    expect(doc.report.checks.filter((c) => c.status === "fail").map((c) => c.id)).toEqual([
      "count.nodes",
      "count.label.Person",
    ]);
  });

  it("on a busy database (a writer committing through the dump) marks the counts inexact, and verify raises no false alarm", async () => {
    // The busy backup was taken in beforeAll, while backup.sh's restart had the source up.
    const { backup, committed } = busy;
    runs.push(backup);
    expect(backup.code, backup.stderr).toBe(0);
    expect(committed).toBeGreaterThan(0);
    expect(backup.events.map((e) => e["event"])).toContain("dump.stats.inexact");
    const busyDump = (JSON.parse(backup.stdout) as { file: string }).file;
    const sidecar = JSON.parse(readFileSync(`${busyDump}.meta.json`, "utf8")) as {
      stats: Record<string, unknown>;
    };
    expect(sidecar.stats["exact"]).toBe(false);

    const dir = scratch();
    const result = await nbsVerify([
      "--file",
      busyDump,
      "--mode",
      "load",
      "--neo4j-home",
      source.home,
      "--work-dir",
      scratch(),
      "--json",
      "--summary-md",
      join(dir, "s.md"),
    ]);
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as {
      outcome: string;
      counts: { expected: { nodes: number }; actual: { nodes: number } };
      checks: Array<{ id: string; status: string; detail?: string }>;
    };
    expect(doc.outcome).toBe("verified");
    // The dump holds writes the counts missed: comparing them would have been a false alarm.
    expect(doc.counts.actual.nodes).toBeGreaterThan(doc.counts.expected.nodes);
    expect(doc.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: "counts",
          status: "skip",
          detail: expect.stringContaining("not comparable: transactions were committed"),
        }),
      ]),
    );
    expect(doc.checks.some((c) => c.id.startsWith("count."))).toBe(false);
    expect(readFileSync(join(dir, "s.md"), "utf8")).toContain("inexact: not compared");
  });

  it("never printed a credential in any output", () => {
    const outputs = runs.map((r) => r.stdout + r.stderr).join("\n");
    expect(runs.length).toBeGreaterThan(5);
    for (const secret of [s3.secretAccessKey, source.password])
      expect(outputs).not.toContain(secret);
  });
});
