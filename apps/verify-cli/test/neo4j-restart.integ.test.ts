import type { S3Client } from "@aws-sdk/client-s3";
import {
  createEphemeralNeo4j,
  DEMO_GRAPH,
  describeInteg,
  getS3TestEnv,
  keysUnder,
  seedDemoGraph,
  type EphemeralNeo4j,
} from "@nbs/testenv";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Session, Transaction } from "neo4j-driver";
import { afterAll, beforeAll, expect, it } from "vitest";
import { script, type CliRun as Run } from "@nbs/testenv/run-cli";

// Whatever stopped Neo4j starts it again (docs/neo4j/server.md): a `neo4j stop` that gives up
// (NEO4J_SHUTDOWN_TIMEOUT while an open transaction holds the server) or is interrupted has
// already sent SIGTERM, so the server goes down on its own; backup.sh and the restore wait for it
// and start it. And the Neo4j they start inherits none of the run's credentials. The server is a
// throwaway one of this file's own, so none of this touches the shared Neo4j.

let server: EphemeralNeo4j;
let client: S3Client;
let bucket: string;
let s3Env: Record<string, string>;
const scratch = mkdtempSync(join(tmpdir(), "nbs-restart-integ-"));
let dumpFile: string | undefined;

const neo4jEnv = () => ({ NEO4J_URI: server.uri, NEO4J_PASSWORD: server.password });
const serverLog = () => readFileSync(join(server.home, "logs", "neo4j.log"), "utf8");
const shutdownsRequested = () =>
  serverLog()
    .split("\n")
    .filter((l) => l.includes("shutdown initiated by request")).length;
const serverPid = () => Number(readFileSync(join(server.home, "run", "neo4j.pid"), "utf8"));

/** The server answers a query over Bolt. */
async function nodes(): Promise<number> {
  const driver = server.driver();
  try {
    const { records } = await driver.executeQuery("MATCH (n) RETURN count(n) AS n");
    return Number(records[0]!.get("n"));
  } finally {
    await driver.close();
  }
}

/**
 * An open write transaction: the server will not stop until Neo4j terminates it
 * (db.shutdown_transaction_end_timeout, 10 s), far longer than a 1 s NEO4J_SHUTDOWN_TIMEOUT.
 */
async function holdTransaction(): Promise<() => Promise<void>> {
  const driver = server.driver();
  const session: Session = driver.session();
  const tx: Transaction = await session.beginTransaction();
  await tx.run("CREATE (:Held)");
  return async () => {
    await tx.rollback().catch(() => undefined);
    await session.close().catch(() => undefined);
    await driver.close();
  };
}

/** The environment of the running server, as its user can read it. */
function serverEnviron(): Map<string, string> {
  const raw = readFileSync(`/proc/${serverPid()}/environ`, "utf8");
  return new Map(
    raw
      .split("\0")
      .filter((entry) => entry.includes("="))
      .map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]),
  );
}

/** Credentials a backup run holds besides the Bolt password; none may reach the Neo4j it starts again. */
// Made at run time: no credential-shaped literal is committed (the secrets scan reads tests too).
const fake = (label: string) => `integ-${label}-${randomBytes(6).toString("hex")}`;
const CREDENTIALS = {
  AWS_SESSION_TOKEN: fake("session-token"),
  NBS_NOTIFY_WEBHOOK: `https://hooks.example.invalid/services/T000/B000/${fake("webhook")}`,
  GITHUB_TOKEN: fake("github-token"),
};
const FAKE_KEY_ID = `AKIAINTEG${randomBytes(6).toString("hex").toUpperCase().slice(0, 11)}`;
const FAKE_SECRET = fake("secret-access-key");

function expectNoCredential(environ: Map<string, string>, values: readonly string[]) {
  expect(environ.get("NEO4J_HOME"), "read the server's own environment").toBe(server.home);
  const leaked = [...environ].filter(
    ([name, value]) =>
      /^AWS_|PASSWORD|TOKEN|SECRET|WEBHOOK/.test(name) || values.some((v) => value.includes(v)),
  );
  expect(leaked.map(([name]) => name)).toEqual([]);
}

beforeAll(async () => {
  const s3 = await getS3TestEnv();
  client = s3.client();
  bucket = await s3.createBucket("restart");
  s3Env = { ...s3.processEnv(), BACKUP_S3_BUCKET: bucket };
  server = await createEphemeralNeo4j();
  await server.start();
  await seedDemoGraph(server);
}, 900_000);

afterAll(async () => {
  await server?.remove();
  client?.destroy();
  rmSync(scratch, { recursive: true, force: true });
});

describeInteg("Neo4j is started again on every path that stopped it (real Neo4j)", () => {
  it("backup.sh restarts a Neo4j that inherits no credential (file dump): /proc/<pid>/environ is clean", async () => {
    const outDir = mkdtempSync(join(scratch, "out-"));
    const run = await script(
      "backup.sh",
      ["--db", "neo4j", "--out-dir", outDir, "--neo4j-home", server.home, "--json"],
      {
        ...neo4jEnv(),
        ...CREDENTIALS,
        AWS_ACCESS_KEY_ID: FAKE_KEY_ID,
        AWS_SECRET_ACCESS_KEY: FAKE_SECRET,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    dumpFile = (JSON.parse(run.stdout) as { file: string }).file;
    expect(await nodes()).toBe(DEMO_GRAPH.nodes);
    expectNoCredential(serverEnviron(), [
      ...Object.values(CREDENTIALS),
      server.password,
      FAKE_SECRET,
    ]);
  }, 900_000);

  it("backup.sh --to-s3 restarts a Neo4j that inherits no credential: neither the store's keys nor the Bolt password", async () => {
    const run = await script(
      "backup.sh",
      ["--to-s3", "--prefix", "env", "--db", "neo4j", "--neo4j-home", server.home, "--json"],
      { ...s3Env, ...neo4jEnv(), NBS_NOTIFY_WEBHOOK: CREDENTIALS.NBS_NOTIFY_WEBHOOK },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(await nodes()).toBe(DEMO_GRAPH.nodes);
    expectNoCredential(serverEnviron(), [
      s3Env["AWS_SECRET_ACCESS_KEY"]!,
      server.password,
      CREDENTIALS.NBS_NOTIFY_WEBHOOK,
    ]);
  }, 900_000);

  it("backup.sh whose neo4j stop gives up (NEO4J_SHUTDOWN_TIMEOUT=1, a transaction open): exit 6 NEO4J_STOP_FAILED, Neo4j started again, nothing dumped", async () => {
    const outDir = mkdtempSync(join(scratch, "out-"));
    const release = await holdTransaction();
    let run: Run;
    try {
      run = await script(
        "backup.sh",
        ["--db", "neo4j", "--out-dir", outDir, "--neo4j-home", server.home, "--json"],
        { ...neo4jEnv(), NEO4J_SHUTDOWN_TIMEOUT: "1" },
      );
    } finally {
      await release();
    }
    expect(run.code, run.stderr).toBe(6);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: false,
      error: {
        code: "NEO4J_STOP_FAILED",
        message: expect.stringContaining("Neo4j was started again and nothing was dumped"),
      },
    });
    expect(readdirSync(outDir)).toEqual([]);
    // Bolt answers: the server that stopped on its own was started again; the open
    // transaction was terminated by the shutdown, so its node is not there.
    expect(await nodes()).toBe(DEMO_GRAPH.nodes);
  }, 900_000);

  it("SIGTERM to backup.sh --to-s3 during the stop: exit 130, nothing stored, Neo4j started again", async () => {
    const release = await holdTransaction();
    const before = shutdownsRequested();
    let child: ChildProcess | undefined;
    let signalled = false;
    // SIGTERM once the server logged the shutdown request: `neo4j stop` is then waiting (the
    // open transaction holds the server for 10 s).
    const watcher = setInterval(() => {
      if (!signalled && child && shutdownsRequested() > before) {
        signalled = true;
        child.kill("SIGTERM");
      }
    }, 100);
    let run: Run;
    try {
      run = await script(
        "backup.sh",
        ["--to-s3", "--prefix", "sigterm", "--db", "neo4j", "--neo4j-home", server.home, "--json"],
        { ...s3Env, ...neo4jEnv() },
        (_chunk, spawned) => (child = spawned),
      );
    } finally {
      clearInterval(watcher);
      await release();
    }
    expect(signalled, run.stderr).toBe(true);
    expect(run.code, run.stderr).toBe(130);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: { code: "INTERRUPTED" } });
    expect(await keysUnder(client, bucket, "sigterm")).toEqual([]);
    expect(await nodes()).toBe(DEMO_GRAPH.nodes);
  }, 900_000);

  it("a restore whose neo4j stop gives up: exit 6 RESTORE_STOP_FAILED, Neo4j started again with its data, nothing loaded", async () => {
    expect(dumpFile, "the first test's dump").toBeDefined();
    const driver = server.driver();
    try {
      await driver.executeQuery("CREATE (:AfterBackup)");
    } finally {
      await driver.close();
    }
    const release = await holdTransaction();
    let run: Run;
    try {
      run = await script(
        "restore_from_s3.sh",
        ["--file", dumpFile!, "--db", "neo4j", "--neo4j-home", server.home, "--force", "--json"],
        { ...neo4jEnv(), NEO4J_SHUTDOWN_TIMEOUT: "1" },
      );
    } finally {
      await release();
    }
    expect(run.code, run.stderr).toBe(6);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: false,
      error: {
        code: "RESTORE_STOP_FAILED",
        message: expect.stringContaining("Neo4j was started again and nothing was loaded"),
      },
    });
    // Not loaded: the node written after the backup is still there.
    expect(await nodes()).toBe(DEMO_GRAPH.nodes + 1);
  }, 900_000);
});
