import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import {
  createEphemeralNeo4j,
  DEMO_GRAPH,
  describeInteg,
  getS3TestEnv,
  seedDemoGraph,
  type EphemeralNeo4j,
} from "@nbs/testenv";
import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { script, verify, type CliRun as Run } from "@nbs/testenv/run-cli";

// `nbs-verify restore` onto a real Neo4j. The "operator's server" is a private instance (own
// home, ports, password) made for this file, so its stop/load/start touches nothing shared.

const COUNTS = DEMO_GRAPH;

let client: S3Client;
let bucket: string;
let s3Env: Record<string, string>;
let server: EphemeralNeo4j;
let dumpFile: string;
let key: string;
const scratch = mkdtempSync(join(tmpdir(), "nbs-restore-integ-"));
const runs: Run[] = [];

const neo4jEnv = () => ({ NEO4J_URI: server.uri, NEO4J_PASSWORD: server.password });

async function restore(args: readonly string[]): Promise<Run> {
  const run = await verify(
    ["restore", "--db", "neo4j", "--neo4j-home", server.home, "--json", ...args],
    { ...s3Env, ...neo4jEnv() },
  );
  runs.push(run);
  return run;
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

beforeAll(async () => {
  const s3 = await getS3TestEnv();
  client = s3.client();
  bucket = await s3.createBucket("restore");
  s3Env = { ...s3.processEnv(), BACKUP_S3_BUCKET: bucket, BACKUP_S3_PREFIX: "r" };
  server = await createEphemeralNeo4j();
  await server.start();
  await seedDemoGraph(server);
  await query("CREATE CONSTRAINT person_id FOR (p:Person) REQUIRE p.name IS UNIQUE");
  const backup = await script(
    "backup.sh",
    ["--db", "neo4j", "--out-dir", scratch, "--neo4j-home", server.home, "--json"],
    neo4jEnv(),
  );
  expect(backup.code, backup.stderr).toBe(0);
  dumpFile = (JSON.parse(backup.stdout) as { file: string }).file;
  const up = await script("upload_backup_to_s3.sh", ["--file", dumpFile, "--json"], s3Env);
  expect(up.code, up.stderr).toBe(0);
  key = (JSON.parse(up.stdout) as { key: string }).key;
});

afterAll(async () => {
  await server?.remove();
  client?.destroy();
  rmSync(scratch, { recursive: true, force: true });
});

describeInteg("nbs-verify restore onto a real Neo4j", () => {
  it("refuses a database that holds data without --force (exit 2): nothing stopped, nothing changed", async () => {
    const pid = serverPid();
    const run = await restore(["--latest"]);
    expect(run.code, run.stderr).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: false,
      error: { code: "RESTORE_TARGET_NOT_EMPTY", category: "USAGE" },
    });
    expect(serverPid()).toBe(pid);
    expect(await nodes()).toBe(5);
  });

  it("--dry-run with --force prints the plan and changes nothing", async () => {
    const pid = serverPid();
    const run = await restore(["--latest", "--force", "--dry-run"]);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as { plan: string[] } & Record<string, unknown>;
    expect(doc).toMatchObject({
      ok: true,
      outcome: "dry-run",
      source: { key },
      target: { database: "neo4j", running: true, nodes_before: 5, forced: true },
    });
    expect(doc.plan.join("\n")).toMatch(/neo4j-admin database load --overwrite-destination neo4j/);
    expect(serverPid()).toBe(pid);
    expect(await nodes()).toBe(5);
  });

  it("restores the latest backup over a changed graph: counts back, server running, password never printed", async () => {
    await query("UNWIND range(1, 10) AS i CREATE (:Extra {id: i})");
    await query("MATCH ()-[r:KNOWS]->() DELETE r");
    await query("DROP CONSTRAINT person_id");
    expect(await nodes()).toBe(15);
    const pid = serverPid();
    // The launcher logs each bin/neo4j and bin/neo4j-admin call (tooling/services/README.md).
    const calls = join(scratch, "neo4j-calls.log");
    const run = await script(
      "restore_from_s3.sh",
      ["--latest", "--db", "neo4j", "--neo4j-home", server.home, "--force", "--json"],
      { ...s3Env, ...neo4jEnv(), NBS_NEO4J_CALL_LOG: calls },
    );
    runs.push(run);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as {
      checks: Array<{ id: string; status: string }>;
    } & Record<string, unknown>;
    expect(doc).toMatchObject({
      ok: true,
      outcome: "restored",
      source: { key },
      target: { running: true, nodes_before: 15, forced: true },
      counts: { expected: { ...COUNTS, exact: true }, actual: COUNTS },
    });
    expect(doc.checks.filter((c) => c.status === "fail")).toEqual([]);
    expect(doc.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        "sha256.sidecar",
        "size.sidecar",
        "dump.format",
        "count.nodes",
        "schema.constraint.person_id",
      ]),
    );
    // What the server now serves, asked independently of nbs.
    expect(await nodes()).toBe(5);
    expect(Number(String((await query("MATCH ()-[r:KNOWS]->() RETURN count(r)"))[0]))).toBe(1);
    expect(await query("MATCH (n:Extra) RETURN n")).toEqual([]);
    // The uniqueness constraint dropped after the backup is back.
    expect(await query("SHOW CONSTRAINTS YIELD name RETURN name")).toEqual(["person_id"]);
    // It was stopped and started again (Community has no online load).
    expect(serverPid()).not.toBe(pid);
    const events = run.events.map((e) => e["event"]);
    expect(events.indexOf("restore.verified")).toBeLessThan(events.indexOf("restore.neo4j.stop"));
    // Proven in a private Neo4j before the stop; on the server only what a write cannot change.
    expect(events.indexOf("restore.proven")).toBeLessThan(events.indexOf("restore.neo4j.stop"));
    expect(doc["proof"]).toMatchObject({ method: "exact-counts+transaction-id" });
    expect(doc.checks.filter((c) => c.id.startsWith("served.")).map((c) => c.id)).toEqual(
      expect.arrayContaining(["served.online", "served.schema.constraint.person_id"]),
    );
    expect(run.stdout + run.stderr).not.toContain(server.password);
    // The running server is found serving its home in /proc: no `neo4j status` JVM, before or
    // right before the stop (one per restore before).
    expect(readFileSync(calls, "utf8").split("\n")).not.toContain("neo4j status");
    expect(readFileSync(calls, "utf8").split("\n")).toContain("neo4j stop");
  });

  it("refuses a corrupted backup before touching the server: exit 5, same process, same data", async () => {
    const original = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = Buffer.from(await original.Body!.transformToByteArray());
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 10) ^ 0xff, bytes.length - 10);
    const bad = "r/neo4j/neo4j-20990101T000000Z.dump";
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: bad, Body: bytes }));
    const sidecar = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: `${key}.meta.json` }),
    );
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${bad}.meta.json`,
        Body: await sidecar.Body!.transformToString(),
      }),
    );
    await query("CREATE (:Marker)");
    const pid = serverPid();
    const run = await restore(["--s3-uri", `s3://${bucket}/${bad}`, "--force"]);
    expect(run.code, run.stderr).toBe(5);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: false,
      error: { code: "RESTORE_BYTES_MISMATCH", category: "INTEGRITY" },
    });
    expect(run.events.map((e) => e["event"])).not.toContain("restore.neo4j.stop");
    expect(serverPid()).toBe(pid);
    expect(await nodes()).toBe(6);
  });

  it("a dump that does not load fails in the proof, before the server is stopped (exit 6)", async () => {
    const dir = mkdtempSync(join(scratch, "truncated-"));
    const file = join(dir, "neo4j.dump");
    copyFileSync(dumpFile, file);
    truncateSync(file, Math.floor(readFileSync(file).length / 2));
    const sha256 = createHash("sha256").update(readFileSync(file)).digest("hex");
    const before = await nodes();
    const pid = serverPid();
    const run = await restore(["--file", file, "--sha256", sha256, "--force"]);
    expect(run.code, run.stderr).toBe(6);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: false,
      error: { code: "DUMP_LOAD_FAILED", category: "NEO4J" },
    });
    expect(run.events.map((e) => e["event"])).not.toContain("restore.neo4j.stop");
    expect(serverPid()).toBe(pid);
    expect(await nodes()).toBe(before);
  });

  // The last test: it leaves the server stopped (afterAll removes it), so no test waits for a restart.
  it("refuses without --force when Neo4j is not running (emptiness cannot be checked), exit 2", async () => {
    await server.stop();
    const run = await restore(["--latest"]);
    expect(run.code, run.stderr).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({
      error: { code: "RESTORE_TARGET_UNKNOWN" },
    });
  });
});
