import {
  createEphemeralNeo4j,
  describeInteg,
  getNeo4jTestEnv,
  type EphemeralNeo4j,
  type Neo4jTestEnv,
} from "@nbs/testenv";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { script, verify, type CliRun as Run } from "@nbs/testenv/run-cli";

// The guards of `nbs-verify restore` against real Neo4j servers: the operator's server is a
// private instance made for this file; "another server" is the shared one from `services up`.

let server: EphemeralNeo4j;
let other: Neo4jTestEnv;
let dumpFile: string;
const scratch = mkdtempSync(join(tmpdir(), "nbs-restore-guard-"));
const safetyDir = join(scratch, "safety");

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const ownServer = () => ({ NEO4J_URI: server.uri, NEO4J_PASSWORD: server.password });

function restore(args: readonly string[], env: Record<string, string> = ownServer()): Promise<Run> {
  return verify(
    ["restore", "--neo4j-home", server.home, "--json", "--safety-dir", safetyDir, ...args],
    env,
  );
}

async function query<T = unknown>(cypher: string): Promise<T[]> {
  const driver = server.driver();
  try {
    const { records } = await driver.executeQuery(cypher);
    return records.map((r) => r.get(0) as T);
  } finally {
    await driver.close();
  }
}

const nodes = async () => Number(String((await query("MATCH (n) RETURN count(n)"))[0]));
const serverPid = () => readFileSync(join(server.home, "run", "neo4j.pid"), "utf8").trim();

/** The backup's dump in a directory of its own, with its sidecar edited by `change`. */
function variant(change: (meta: Record<string, unknown>) => void): string {
  const file = join(mkdtempSync(join(scratch, "variant-")), "neo4j.dump");
  copyFileSync(dumpFile, file);
  const meta = JSON.parse(readFileSync(`${dumpFile}.meta.json`, "utf8")) as Record<string, unknown>;
  change(meta);
  writeFileSync(`${file}.meta.json`, JSON.stringify(meta));
  return file;
}

const INJECTED = "nbs test: injected failure of the target's database load";
const shQuote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/**
 * Gives the operator's server a bin/ of its own (it links the cached install's) whose neo4j-admin
 * fails the first `database load` run with NEO4J_HOME = that server's home, and runs the real one
 * for everything else: the backup's checks, the safety copy, the private proof instance (it copies
 * this bin/ but runs with its own NEO4J_HOME) and the load-back of the safety copy. Returns the undo.
 */
function failFirstTargetLoad(): () => void {
  const bin = join(server.home, "bin");
  const realBin = realpathSync(bin);
  const target = realpathSync(server.home);
  const fired = join(mkdtempSync(join(scratch, "fault-")), "fired");
  rmSync(bin);
  mkdirSync(bin);
  for (const name of readdirSync(realBin)) symlinkSync(join(realBin, name), join(bin, name));
  rmSync(join(bin, "neo4j-admin"));
  const wrapper = [
    "#!/bin/sh",
    'NEO4J_HOME="${NEO4J_HOME:-$(cd "$(dirname "$0")/.." && pwd)}"',
    "export NEO4J_HOME",
    `if [ "$1" = database ] && [ "$2" = load ] && [ ! -e ${shQuote(fired)} ] &&`,
    `  [ "$(cd "$NEO4J_HOME" && pwd -P)" = ${shQuote(target)} ]; then`,
    `  : > ${shQuote(fired)}`,
    `  echo ${shQuote(INJECTED)} >&2`,
    "  exit 1",
    "fi",
    `exec ${shQuote(join(realBin, "neo4j-admin"))} "$@"`,
    "",
  ].join("\n");
  writeFileSync(join(bin, "neo4j-admin"), wrapper, { mode: 0o755 });
  return () => {
    rmSync(bin, { recursive: true, force: true });
    symlinkSync(realBin, bin);
  };
}

beforeAll(async () => {
  other = await getNeo4jTestEnv();
  server = await createEphemeralNeo4j();
  await server.start();
  await query("UNWIND range(1, 5) AS i CREATE (:Person {id: i})");
  const backup = await script(
    "backup.sh",
    ["--db", "neo4j", "--out-dir", scratch, "--neo4j-home", server.home, "--json"],
    ownServer(),
  );
  expect(backup.code, backup.stderr).toBe(0);
  dumpFile = (JSON.parse(backup.stdout) as { file: string }).file;
});

afterAll(async () => {
  await server?.remove();
  rmSync(scratch, { recursive: true, force: true });
});

describeInteg("nbs-verify restore: the guards before the stop (real Neo4j)", () => {
  it("refuses a --neo4j-uri served by another real Neo4j: exit 2, both named, nothing stopped", async () => {
    const pid = serverPid();
    const run = await restore(["--file", dumpFile, "--db", "neo4j", "--force"], {
      NEO4J_URI: other.uri,
      NEO4J_USERNAME: other.username,
      NEO4J_PASSWORD: other.password,
    });
    expect(run.code, run.stderr).toBe(2);
    const doc = JSON.parse(run.stdout) as { error: { code: string; message: string } };
    expect(doc.error.code).toBe("RESTORE_SERVER_MISMATCH");
    expect(doc.error.message).toContain(other.uri);
    expect(doc.error.message).toContain(server.home);
    expect(run.events.map((e) => e["event"])).not.toContain("restore.neo4j.stop");
    expect(serverPid()).toBe(pid);
    expect(await nodes()).toBe(5);
    expect(run.stdout + run.stderr).not.toContain(other.password);
  });

  it("refuses a backup of `movies` restored over `neo4j` without --as-db (exit 2)", async () => {
    const pid = serverPid();
    const file = variant((m) => (m["db_name"] = "movies"));
    const run = await restore(["--file", file, "--db", "neo4j", "--force"]);
    expect(run.code, run.stderr).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: "RESTORE_DB_MISMATCH" } });
    expect(serverPid()).toBe(pid);
  });

  it("refuses a dump of a newer Neo4j (2026.01) before anything is stopped (exit 2)", async () => {
    const pid = serverPid();
    const file = variant((m) => (m["neo4j"] = { version: "2026.01.0" }));
    const run = await restore(["--file", file, "--db", "neo4j", "--force"]);
    expect(run.code, run.stderr).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({
      error: { code: "RESTORE_VERSION_INCOMPATIBLE" },
    });
    expect(run.events.map((e) => e["event"])).not.toContain("restore.download");
    expect(serverPid()).toBe(pid);
  });

  it("--dry-run shows the preflight (same server, version, space) and the planned safety copy", async () => {
    const pid = serverPid();
    const run = await restore(["--file", dumpFile, "--db", "neo4j", "--force", "--dry-run"]);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as { plan: string[] } & Record<string, unknown>;
    expect(doc).toMatchObject({
      outcome: "dry-run",
      target: { server: { proven_by: "neo4j_home", uri: server.uri, neo4j_home: server.home } },
      preflight: {
        database: { target: "neo4j", backup: "neo4j", renamed: false },
        version: { loadable: "yes" },
        space: { data_dir: join(server.home, "data"), factor: 3 },
      },
      safety_copy: { status: "planned", dir: safetyDir },
    });
    expect(doc.plan.join("\n")).toContain("safety copy");
    expect(serverPid()).toBe(pid);
  });

  it("--as-db replaces another database on purpose, after a safety copy named in the report", async () => {
    await query("CREATE (:Marker)");
    const file = variant((m) => (m["db_name"] = "movies"));
    const summary = join(scratch, "as-db.md");
    const run = await restore([
      "--file",
      file,
      "--db",
      "movies",
      "--as-db",
      "neo4j",
      "--force",
      "--summary-md",
      summary,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as {
      safety_copy: { status: string; file: string; sidecar: string; sha256: string };
    };
    expect(doc).toMatchObject({
      outcome: "restored",
      preflight: { database: { target: "neo4j", backup: "movies", renamed: true } },
      safety_copy: { status: "made" },
    });
    expect(doc.safety_copy.file.startsWith(safetyDir)).toBe(true);
    expect(sha256(doc.safety_copy.file)).toBe(doc.safety_copy.sha256);
    expect(JSON.parse(readFileSync(doc.safety_copy.sidecar, "utf8"))).toMatchObject({
      db_name: "neo4j",
      sha256: doc.safety_copy.sha256,
    });
    expect(readFileSync(summary, "utf8")).toContain(`| safety copy | \`${doc.safety_copy.file}\``);
    expect(await nodes()).toBe(5);
  });

  // Last: it replaces the server's database twice (the failed load, then the safety copy).
  it("a load that fails puts the previous data back from the safety copy (exit 6)", async () => {
    await query("UNWIND range(1, 7) AS i CREATE (:Marker {id: i})");
    expect(await nodes()).toBe(12);
    // A valid dump, so the proof in the private Neo4j passes; the fault is injected into the
    // target's load only (see failFirstTargetLoad): the safety copy and its load-back run for real.
    const file = dumpFile;
    const restoreBin = failFirstTargetLoad();
    const pid = serverPid();
    const summary = join(scratch, "failed.md");
    let run: Run;
    try {
      run = await restore([
        "--file",
        file,
        "--sha256",
        sha256(file),
        "--db",
        "neo4j",
        "--force",
        "--summary-md",
        summary,
      ]);
    } finally {
      restoreBin();
    }
    expect(run.code, run.stderr).toBe(6);
    const doc = JSON.parse(run.stdout) as { error: { code: string; message: string } };
    expect(doc.error.code).toBe("RESTORE_LOAD_FAILED");
    expect(doc.error.message).toContain(INJECTED);
    expect(doc.error.message).toMatch(/started again with its previous data \(loaded back from /);
    const events = run.events.map((e) => e["event"]);
    expect(events).toEqual(
      expect.arrayContaining([
        "restore.proven", // the valid dump passed the proof in the private Neo4j
        "restore.neo4j.stop",
        "restore.safety-copy",
        "restore.safety-copy.load-back",
      ]),
    );
    const copy = run.events.find((e) => e["event"] === "restore.safety-copy") as { file: string };
    expect(existsSync(copy.file) && existsSync(`${copy.file}.meta.json`)).toBe(true);
    expect(readFileSync(summary, "utf8")).toContain(`loaded back from ${copy.file}`);
    // A new server process serves the data it had before the restore began.
    expect(serverPid()).not.toBe(pid);
    expect(await nodes()).toBe(12);
    expect(Number(String((await query("MATCH (n:Marker) RETURN count(n)"))[0]))).toBe(7);
  });
});
