import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import type { DriverFactory, ProcessRunner, RunResult, ServerProcesses } from "@nbs/neo4j-admin";
import { sdkStreamMixin } from "@smithy/util-stream";
import { mockClient } from "aws-sdk-client-mock";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DUMP,
  backupMeta,
  fakeDriver as sharedFakeDriver,
  fakeNeo4jInstall,
  sha256 as sha,
  tempDumpFile,
} from "@nbs/testenv/doubles";
import { verifyBackup, type VerifyOptions } from "./index.js";

const s3 = mockClient(S3Client);
const KEY = "prod/neo4j/neo4j-20261124T101500Z.dump";
const dump = DUMP;
const meta = (extra: Record<string, unknown> = {}) => backupMeta(dump, extra);
const body = (b: Buffer | string) => sdkStreamMixin(Readable.from([Buffer.from(b)]));
const notFound = () =>
  new S3ServiceException({
    name: "NoSuchKey",
    $fault: "client",
    $metadata: { httpStatusCode: 404 },
  });

function store(
  objects: Record<string, { bytes: Buffer | string; metadata?: Record<string, string> }>,
) {
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const o = objects[input.Key];
    if (!o) throw notFound();
    return { Body: body(o.bytes), ContentLength: Buffer.from(o.bytes).length, ETag: '"e"' };
  });
  s3.on(HeadObjectCommand).callsFake((input: { Key: string }) => {
    const o = objects[input.Key];
    if (!o)
      throw new S3ServiceException({
        name: "NotFound",
        $fault: "client",
        $metadata: { httpStatusCode: 404 },
      });
    return { ContentLength: Buffer.from(o.bytes).length, ETag: '"e"', Metadata: o.metadata ?? {} };
  });
  s3.on(ListObjectsV2Command).callsFake(() => ({
    Contents: Object.keys(objects).map((Key) => ({ Key, Size: 1 })),
  }));
}

const committed = (bytes: Buffer = dump, sidecar: unknown = meta()) => ({
  [KEY]: { bytes, metadata: { "nbs-sha256": sha(dump), "nbs-db": "neo4j" } },
  [`${KEY}.meta.json`]: { bytes: JSON.stringify(sidecar) },
});

function fakeRunner(
  answers: { load?: RunResult; check?: RunResult; lastTx?: number } = {},
): ProcessRunner & { calls: string[][] } {
  const ok: RunResult = { exitCode: 0, stdout: "", stderr: "", timedOut: false };
  const calls: string[][] = [];
  return {
    calls,
    run(_file, args) {
      calls.push([...args]);
      if (args.includes("--version"))
        return Promise.resolve({ ...ok, stdout: "neo4j-admin 5.26.30\n" });
      if (args[0] === "database" && args[1] === "load") return Promise.resolve(answers.load ?? ok);
      if (args[0] === "database" && args[1] === "check")
        return Promise.resolve(answers.check ?? ok);
      // neo4j-admin database info --format=json, as 5.26 prints it (no id: nothing to say).
      if (args[0] === "database" && args[1] === "info" && answers.lastTx !== undefined)
        return Promise.resolve({
          ...ok,
          stdout: `{"databaseName":"neo4j","lastCommittedTransaction":"${answers.lastTx}"}\n`,
        });
      return Promise.resolve(ok);
    },
  };
}

/** The ephemeral server's processes as dispose() sees them: `pids` run until killed. */
function fakeServer(pids: number[] = [4242]): ServerProcesses & { killed: number[] } {
  const killed: number[] = [];
  return {
    killed,
    find: () => Promise.resolve(pids.filter((pid) => !killed.includes(pid))),
    kill: (pid) => void killed.push(pid),
    gone: (pid) => Promise.resolve(killed.includes(pid)),
  };
}

/** The dump alone in a temp directory: no `.meta.json` beside it. */
const localDump = (): string => tempDumpFile(dump);

interface FakeGraph {
  nodes: number;
  relationships: number;
  labels?: Record<string, number>;
  types?: Record<string, number>;
  /**
   * Rows of SHOW INDEXES / SHOW CONSTRAINTS, as Neo4j names the columns (`state` ONLINE unless
   * given); for indexes also a function of how many times SHOW INDEXES was asked before.
   */
  indexes?: Record<string, unknown>[] | ((read: number) => Record<string, unknown>[]);
  constraints?: Record<string, unknown>[];
}

/** A driver to the ephemeral instance that answers the counting queries from `graph`, or fails them. */
function fakeDriver(graph: FakeGraph | Error): DriverFactory & { closed: () => boolean } {
  let indexReads = 0;
  const answer = ({ cypher }: { cypher: string }): Record<string, unknown>[] => {
    if (cypher === "RETURN 1") return [{}];
    if (graph instanceof Error) throw graph;
    if (cypher === "SHOW INDEXES YIELD *") {
      const rows =
        typeof graph.indexes === "function" ? graph.indexes(indexReads++) : (graph.indexes ?? []);
      return rows.map((row) => ({ state: "ONLINE", ...row }));
    }
    if (cypher === "SHOW CONSTRAINTS YIELD *") return graph.constraints ?? [];
    if (cypher.includes("db.labels()"))
      return Object.keys(graph.labels ?? {}).map((name) => ({ name }));
    if (cypher.includes("db.relationshipTypes()"))
      return Object.keys(graph.types ?? {}).map((name) => ({ name }));
    const named = /:`([^`]+)`/.exec(cypher)?.[1];
    if (named !== undefined)
      return [{ c: (cypher.includes("[r:") ? graph.types : graph.labels)?.[named] }];
    return [{ c: cypher.includes("[r]") ? graph.relationships : graph.nodes }];
  };
  // One driver for every connection (waitForBolt's probe runs `RETURN 1` in a session).
  const { driver, closed } = sharedFakeDriver(answer);
  return Object.assign(() => driver, { closed });
}

let workDir: string;
const temps: string[] = [];
function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
function options(extra: Partial<VerifyOptions> = {}): VerifyOptions {
  return {
    source: { kind: "s3", bucket: "acme", key: KEY },
    mode: "checksum",
    client: new S3Client({ region: "us-east-1" }),
    workDir,
    ...extra,
  };
}

beforeEach(() => {
  s3.reset();
  workDir = temp("nbs-verify-unit-");
});
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("verifyBackup (S3 mocked, fake neo4j-admin)", () => {
  it("verifies a committed backup by checksum and removes its workspace", async () => {
    store(committed());
    const events: string[] = [];
    const report = await verifyBackup(options({ onEvent: (e) => events.push(e) }));
    expect(report).toMatchObject({
      ok: true,
      outcome: "verified",
      sidecar: "valid",
      sha256: { expected: sha(dump), actual: sha(dump) },
      size: { expected: dump.length, actual: dump.length },
    });
    expect(report.checks.every((c) => c.status === "pass")).toBe(true);
    expect(events).toEqual(["verify.source", "verify.download", "verify.integrity"]);
    expect(readdirSync(workDir)).toEqual([]);
  });

  it("fails STORED_CHECKSUM_MISMATCH naming sha256 and nbs-sha256 when one byte of the stored object changed", async () => {
    const changed = Buffer.from(dump);
    changed[100] = 0xff - dump[100]!;
    store(committed(changed));
    const report = await verifyBackup(options());
    expect(report.ok).toBe(false);
    expect(report.failure).toMatchObject({
      code: "STORED_CHECKSUM_MISMATCH",
      category: "INTEGRITY",
      stage: "download",
    });
    expect(report.failure?.message).toContain(
      `sha256 = sidecar: expected ${sha(dump).slice(0, 12)}…, actual ${sha(changed).slice(0, 12)}…`,
    );
    expect(report.failure?.message).toContain("sha256 = object metadata nbs-sha256");
    expect(report.failure?.message).not.toContain("size");
    expect(readdirSync(workDir)).toEqual([]);
  });

  it("fails SIZE_MISMATCH when the size differs from the sidecar", async () => {
    store(committed(dump.subarray(0, 1000)));
    const report = await verifyBackup(options());
    expect(report.failure).toMatchObject({ code: "SIZE_MISMATCH", category: "INTEGRITY" });
    expect(report.failure?.message).toContain(
      `size = sidecar: expected ${dump.length}, actual 1000`,
    );
  });

  it("calls an explicit key without a sidecar 'not a committed backup'", async () => {
    store({ [KEY]: { bytes: dump } });
    const report = await verifyBackup(options());
    expect(report.failure).toMatchObject({
      code: "NOT_COMMITTED",
      category: "INTEGRITY",
      stage: "resolve",
    });
  });

  it("fails SIDECAR_INVALID on a sidecar that does not match the schema", async () => {
    store(committed(dump, { schemaVersion: 1, sha256: "not-a-hash" }));
    const report = await verifyBackup(options());
    expect(report.failure).toMatchObject({
      code: "SIDECAR_INVALID",
      category: "INTEGRITY",
      message: expect.stringContaining("does not match the .meta.json schema"),
    });
  });

  it("with --latest picks the newest committed backup and ignores a newer dump without a sidecar", async () => {
    const newer = "prod/neo4j/neo4j-20261125T000000Z.dump";
    store({ ...committed(), [newer]: { bytes: "uncommitted" } });
    const report = await verifyBackup(
      options({ source: { kind: "latest", bucket: "acme", prefix: "prod", db: "neo4j" } }),
    );
    expect(report).toMatchObject({
      ok: true,
      source: { kind: "s3", key: KEY },
      skipped: [],
      uncommitted: [newer],
    });
  });

  it("with --latest fails INTEGRITY naming a newer backup whose sidecar is invalid, never falling back to an older one", async () => {
    const newer = "prod/neo4j/neo4j-20261125T000000Z.dump";
    const newest = "prod/neo4j/neo4j-20261126T000000Z.dump";
    store({
      ...committed(),
      [newer]: { bytes: dump },
      [`${newer}.meta.json`]: { bytes: '{"schemaVersion":1}' },
      [newest]: { bytes: "uncommitted" },
    });
    const report = await verifyBackup(
      options({ source: { kind: "latest", bucket: "acme", prefix: "prod", db: "neo4j" } }),
    );
    expect(report).toMatchObject({
      ok: false,
      outcome: "failed",
      sidecar: "unknown",
      source: { kind: "latest" },
      failure: {
        code: "NEWEST_BACKUP_BROKEN",
        stage: "resolve",
        message: expect.stringContaining(
          `latest under s3://acme/prod/neo4j/: the newest backup is broken, and an older one is not verified in its place: s3://acme/${newer}.meta.json does not match the .meta.json schema`,
        ),
        hint: `re-run the backup, or remove what is broken; to verify the older s3://acme/${KEY} anyway, pass it with --s3-uri`,
      },
      skipped: [
        { key: newer, reason: expect.stringContaining("does not match the .meta.json schema") },
      ],
      uncommitted: [newest],
    });
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key)).not.toContain(KEY);
  });

  it("with --latest fails INTEGRITY when the newest sidecar commits a dump that is gone", async () => {
    const lost = "prod/neo4j/neo4j-20261125T000000Z.dump";
    store({
      ...committed(),
      [`${lost}.meta.json`]: {
        bytes: JSON.stringify(meta({ created_at: "2026-11-25T00:00:00Z" })),
      },
    });
    const report = await verifyBackup(
      options({ source: { kind: "latest", bucket: "acme", prefix: "prod", db: "neo4j" } }),
    );
    expect(report).toMatchObject({
      ok: false,
      failure: {
        code: "NEWEST_BACKUP_BROKEN",
        message: expect.stringContaining(
          `s3://acme/${lost}.meta.json commits a dump that is missing`,
        ),
      },
      skipped: [{ key: lost, reason: expect.stringContaining("commits a dump that is missing") }],
    });
  });

  it("fails INTEGRITY when --latest finds nothing committed", async () => {
    store({ "prod/neo4j/neo4j-20261125T000000Z.dump": { bytes: "uncommitted" } });
    const report = await verifyBackup(
      options({ source: { kind: "latest", bucket: "acme", prefix: "prod" } }),
    );
    expect(report.failure).toMatchObject({
      code: "NO_COMMITTED_BACKUP",
      message:
        "no committed backup found: latest under s3://acme/prod/ (1 dump(s) without a .meta.json, uploads still running or never committed: prod/neo4j/neo4j-20261125T000000Z.dump)",
    });
  });

  it("reports a storage failure as a STORAGE failure, not a crash", async () => {
    s3.on(GetObjectCommand).rejects(
      new S3ServiceException({
        name: "AccessDenied",
        $fault: "client",
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const report = await verifyBackup(options());
    expect(report.failure).toMatchObject({
      code: "ACCESS_DENIED",
      category: "STORAGE",
      message: expect.stringContaining("access denied"),
    });
  });

  it("plans without downloading in a dry run", async () => {
    store(committed());
    const report = await verifyBackup(
      options({ dryRun: true, mode: "load", installDir: "/opt/neo4j" }),
    );
    expect(report).toMatchObject({ ok: true, outcome: "dry-run" });
    expect(report.plan?.join("\n")).toContain("compare node, relationship, label and type counts");
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key)).toEqual([
      `${KEY}.meta.json`,
    ]);
    expect(readdirSync(workDir)).toEqual([]);
  });

  it("loads then consistency-checks in an ephemeral home under the workspace (--mode check)", async () => {
    store(committed());
    const runner = fakeRunner();
    const report = await verifyBackup(
      options({ mode: "check", runner, installDir: fakeNeo4jInstall() }),
    );
    expect(report).toMatchObject({ ok: true, neo4j: { version: "5.26.30", database: "neo4j" } });
    expect(report.checks.filter((c) => c.group === "neo4j").map((c) => [c.id, c.status])).toEqual([
      ["neo4j.load", "pass"],
      ["transaction.dumped", "skip"],
      ["neo4j.check", "pass"],
    ]);
    expect(runner.calls.map((a) => a.slice(0, 2).join(" "))).toEqual([
      "dbms set-initial-password",
      "database load",
      "database info",
      "database check",
    ]);
    expect(report.durations_ms).toMatchObject({
      neo4j_load: expect.any(Number),
      neo4j_check: expect.any(Number),
    });
    expect(readdirSync(workDir)).toEqual([]);
  });

  it("fails NEO4J with the tool's last line when a (truncated) dump does not load, and cleans up", async () => {
    const dir = temp("nbs-verify-file-");
    const file = join(dir, "neo4j-20261124T101500Z.dump");
    writeFileSync(file, dump.subarray(0, 600));
    const stderr = [
      "Files: 1/36, data: 2.0%",
      "Failed to load database 'neo4j': Unable to load database: ZstdIOException: Truncated source",
      "Load failed for databases: 'neo4j'",
      "Run with '--verbose' for a more detailed error message.",
    ].join("\n");
    const runner = fakeRunner({ load: { exitCode: 1, stdout: "", stderr, timedOut: false } });
    const serverProcesses = fakeServer();
    const report = await verifyBackup(
      options({
        source: { kind: "file", path: file },
        mode: "check",
        runner,
        installDir: fakeNeo4jInstall(),
        serverProcesses,
      }),
    );
    expect(report.sidecar).toBe("absent");
    expect(report.failure).toMatchObject({
      code: "DUMP_LOAD_FAILED",
      category: "NEO4J",
      stage: "neo4j",
      message:
        "the dump did not load into an ephemeral Neo4j 5.26.30: Failed to load database 'neo4j': Unable to load database: ZstdIOException: Truncated source",
    });
    // A failed run kills whatever process serves the ephemeral home, whatever the instance believes.
    expect(serverProcesses.killed).toEqual([4242]);
    expect(report.checks.find((c) => c.id === "neo4j.load")?.detail).toBe(
      "Failed to load database 'neo4j': Unable to load database: ZstdIOException: Truncated source\nLoad failed for databases: 'neo4j'",
    );
    expect(readdirSync(workDir)).toEqual([]);
  });

  it("calls a local dump with no sidecar and no --sha256 unverified (ok: false, INTEGRITY), naming both references", async () => {
    const file = localDump();
    const report = await verifyBackup(options({ source: { kind: "file", path: file } }));
    expect(report).toMatchObject({
      ok: false,
      outcome: "unverified",
      sidecar: "absent",
      sha256: { actual: sha(dump) },
      failure: {
        code: "UNVERIFIED",
        category: "INTEGRITY",
        stage: "verdict",
        message: `${file} is unverified: no sidecar and no --sha256 to compare its sha256 ${sha(dump).slice(0, 12)}… with`,
        hint: "pass the sha256 recorded when the backup was taken with --sha256 <hex>, or put its neo4j-20261124T101500Z.dump.meta.json next to it",
      },
    });
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([["sidecar", "skip"]]);
    expect(readdirSync(workDir)).toEqual([]);
  });

  it("verifies a local dump with no sidecar against --sha256", async () => {
    const report = await verifyBackup(
      options({ source: { kind: "file", path: localDump() }, sha256: sha(dump) }),
    );
    expect(report).toMatchObject({ ok: true, outcome: "verified" });
    expect(report.checks.find((c) => c.id === "sha256.expected")).toMatchObject({
      name: "sha256 = --sha256",
      status: "pass",
      expected: sha(dump),
      actual: sha(dump),
    });
  });

  it("fails INTEGRITY when the bytes differ from --sha256, even with a matching sidecar", async () => {
    store(committed());
    const other = "ab".repeat(32);
    const report = await verifyBackup(options({ sha256: other }));
    expect(report).toMatchObject({
      ok: false,
      outcome: "failed",
      failure: {
        code: "REFERENCE_CHECKSUM_MISMATCH",
        category: "INTEGRITY",
        message: expect.stringContaining(
          `sha256 = --sha256: expected abababababab…, actual ${sha(dump).slice(0, 12)}…`,
        ),
        hint: expect.stringContaining("not the ones --sha256 describes"),
      },
    });
    expect(report.checks.find((c) => c.id === "sha256.sidecar")?.status).toBe("pass");
  });

  it("still loads and checks a dump with no reference, then calls it unverified (--mode check)", async () => {
    const runner = fakeRunner();
    const report = await verifyBackup(
      options({
        source: { kind: "file", path: localDump() },
        mode: "check",
        runner,
        installDir: fakeNeo4jInstall(),
      }),
    );
    expect(report).toMatchObject({ ok: false, outcome: "unverified" });
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ["sidecar", "skip"],
      ["neo4j.load", "pass"],
      ["transaction.dumped", "skip"],
      ["neo4j.check", "pass"],
    ]);
    expect(readdirSync(workDir)).toEqual([]);
  });

  it("loads, starts, and passes when the counts equal the sidecar's stats (--mode load)", async () => {
    store(committed());
    const driverFactory = fakeDriver({ nodes: 5, relationships: 4 });
    const runner = fakeRunner();
    const serverProcesses = fakeServer();
    const report = await verifyBackup(
      options({
        mode: "load",
        runner,
        installDir: fakeNeo4jInstall(),
        driverFactory,
        serverProcesses,
      }),
    );
    expect(report).toMatchObject({
      ok: true,
      outcome: "verified",
      counts: { expected: { nodes: 5, relationships: 4 }, actual: { nodes: 5, relationships: 4 } },
    });
    expect(driverFactory.closed()).toBe(true);
    // Once counted, the server is killed, not stopped: its data is deleted with the workspace.
    expect(serverProcesses.killed).toEqual([4242]);
    expect(runner.calls.filter((args) => args[0] === "stop")).toEqual([]);
    expect(readdirSync(workDir)).toEqual([]);
  });

  it("compares the restored schema with the sidecar's, and fails SCHEMA_MISMATCH (exit class NEO4J) when a uniqueness constraint was lost", async () => {
    const constraint = {
      name: "person_id",
      type: "UNIQUENESS",
      entity_type: "NODE",
      labels_or_types: ["Person"],
      properties: ["id"],
    };
    const index = { ...constraint, type: "RANGE", owning_constraint: "person_id" };
    const sidecar = meta({
      stats: {
        nodes: 5,
        relationships: 4,
        schema: { indexes: [index], constraints: [constraint] },
      },
    });
    const row = {
      name: "person_id",
      entityType: "NODE",
      labelsOrTypes: ["Person"],
      properties: ["id"],
    };
    const intact = {
      indexes: [{ ...row, type: "RANGE", owningConstraint: "person_id" }],
      constraints: [{ ...row, type: "UNIQUENESS" }],
    };
    store(committed(dump, sidecar));
    const good = await verifyBackup(
      options({
        mode: "load",
        runner: fakeRunner(),
        installDir: fakeNeo4jInstall(),
        driverFactory: fakeDriver({ nodes: 5, relationships: 4, ...intact }),
      }),
    );
    expect(good).toMatchObject({ ok: true, outcome: "verified" });
    expect(good.checks.filter((c) => c.id.startsWith("schema."))).toEqual([
      expect.objectContaining({ id: "schema.constraint.person_id", status: "pass" }),
      expect.objectContaining({ id: "schema.index.person_id", status: "pass" }),
    ]);

    store(committed(dump, sidecar));
    const lost = await verifyBackup(
      options({
        mode: "load",
        runner: fakeRunner(),
        installDir: fakeNeo4jInstall(),
        driverFactory: fakeDriver({ nodes: 5, relationships: 4 }),
      }),
    );
    expect(lost).toMatchObject({
      ok: false,
      outcome: "failed",
      failure: { code: "SCHEMA_MISMATCH", category: "NEO4J", stage: "neo4j" },
    });
    expect(lost.checks.filter((c) => c.status === "fail").map((c) => c.id)).toEqual([
      "schema.constraint.person_id",
      "schema.index.person_id",
    ]);
    expect(readdirSync(workDir)).toEqual([]);
  });

  it("fails NEO4J (not a crash) when the driver fails while counting, and cleans up", async () => {
    store(committed());
    const unavailable = Object.assign(
      new Error("Database 'neo4j' is unavailable, its status is 'offline'."),
      { code: "Neo.TransientError.General.DatabaseUnavailable" },
    );
    const runner = fakeRunner();
    const serverProcesses = fakeServer();
    const report = await verifyBackup(
      options({
        mode: "load",
        runner,
        installDir: fakeNeo4jInstall(),
        driverFactory: fakeDriver(unavailable),
        serverProcesses,
      }),
    );
    expect(report).toMatchObject({
      ok: false,
      outcome: "failed",
      failure: {
        code: "COUNT_QUERY_FAILED",
        stage: "neo4j",
        message:
          "counting nodes and relationships in the restored database failed: Database 'neo4j' is unavailable, its status is 'offline'.",
        hint: expect.stringContaining("--keep-workspace"),
      },
    });
    expect(report.checks.at(-1)).toMatchObject({ id: "neo4j.counts", status: "fail" });
    expect(serverProcesses.killed).toEqual([4242]);
    expect(runner.calls.filter((args) => args[0] === "stop")).toEqual([]);
    expect(readdirSync(workDir)).toEqual([]);
  });

  it("with keepWorkspace, stops the ephemeral server gracefully (a clean store to inspect) and kills nothing", async () => {
    store(committed());
    const runner = fakeRunner();
    const serverProcesses = fakeServer();
    const report = await verifyBackup(
      options({
        mode: "load",
        runner,
        installDir: fakeNeo4jInstall(),
        driverFactory: fakeDriver(new Error("offline")),
        serverProcesses,
        keepWorkspace: true,
      }),
    );
    expect(report).toMatchObject({ ok: false, failure: { category: "NEO4J" } });
    expect(runner.calls.at(-1)).toEqual(["stop"]);
    expect(serverProcesses.killed).toEqual([]);
    expect(readdirSync(workDir)).toHaveLength(1);
  });

  it("in checksum mode hashes the download without writing a copy of the dump", async () => {
    store(committed());
    let workspace = "";
    let written: string[] | undefined;
    const report = await verifyBackup(
      options({
        onEvent: (event, fields) => {
          if (event === "verify.download") workspace = String(fields["workspace"]);
          if (event === "verify.integrity") written = readdirSync(workspace);
        },
      }),
    );
    expect(report).toMatchObject({ ok: true, sha256: { actual: sha(dump) } });
    expect(written).toEqual([]);
  });

  it("keeps the workspace with keepWorkspace", async () => {
    store(committed());
    const report = await verifyBackup(options({ keepWorkspace: true }));
    expect(report.workspace).toMatchObject({ kept: true });
    expect(readdirSync(report.workspace!.dir)).toEqual(["neo4j.dump"]);
  });

  it("reports ABORTED and cleans up when the signal fires before anything starts", async () => {
    store(committed());
    const controller = new AbortController();
    controller.abort(new Error("SIGINT"));
    const report = await verifyBackup(options({ signal: controller.signal }));
    expect(report.failure).toMatchObject({ code: "INTERRUPTED", category: "ABORTED" });
    expect(readdirSync(workDir)).toEqual([]);
  });

  it("stops reading, reports ABORTED at the download and removes the partial file when the signal fires mid-download", async () => {
    store(committed());
    // A stored object that never ends: only the abort can stop the download.
    let served = 0;
    const endless = new Readable({
      read() {
        served += 1;
        setTimeout(() => this.push(Buffer.alloc(64 * 1024, 7)), 5);
      },
    });
    s3.on(GetObjectCommand, { Key: KEY }).resolves({
      Body: sdkStreamMixin(endless),
      ContentLength: 1 << 40,
    });
    const controller = new AbortController();
    let partial: string[] = [];
    const report = await verifyBackup(
      options({
        // a mode that writes the dump (checksum only hashes it)
        mode: "check",
        runner: fakeRunner(),
        installDir: fakeNeo4jInstall(),
        signal: controller.signal,
        onProgress: (p) => {
          if (p.bytes >= 256 * 1024 && !controller.signal.aborted) {
            partial = readdirSync(join(workDir, readdirSync(workDir)[0]!));
            controller.abort(new Error("SIGINT"));
          }
        },
      }),
    );
    expect(partial).toEqual(["neo4j.dump"]); // the download was under way
    expect(report).toMatchObject({
      ok: false,
      outcome: "failed",
      failure: { code: "INTERRUPTED", category: "ABORTED", stage: "download" },
    });
    expect(report.sha256.actual).toBeUndefined();
    expect(endless.destroyed).toBe(true);
    const readsAtAbort = served;
    await new Promise((r) => setTimeout(r, 50));
    expect(served).toBe(readsAtAbort);
    expect(readdirSync(workDir)).toEqual([]);
  });

  it("fails NEO4J naming the inconsistency when neo4j-admin's consistency check fails (--mode check)", async () => {
    store(committed());
    // What neo4j-admin 5.26 prints for a relationship pointing at a node that is not in use.
    const report = "/tmp/nbs-verify/home/reports/inconsistencies-2026-11-30.03.02.29.report";
    const stdout = [
      "Running consistency check with max off-heap:13.56GiB",
      "Consistency check",
      "\tRelationship[0,used=true,source=502,target=65520,type=0,sCount=1,sNext=-1,tCount=1,tNext=-1,prop=-1, sFirst, tFirst,!sDense,!tDense]",
      "\tInconsistent with: Node[65520,used=false,created=false,rel=-1,prop=-1,labels=Inline(0x0:[]),light,fixedRefs=false]",
      "2026-11-30 03:02:33.582+0000 WARN  [o.n.c.ConsistencyCheckService] Inconsistencies found: ConsistencySummaryStatistics {",
      "\tNumber of errors: 4",
      "}",
    ].join("\n");
    const stderr = [
      `Inconsistencies found. See '${report}' for details.`,
      "Run with '--verbose' for a more detailed error message.",
    ].join("\n");
    const runner = fakeRunner({ check: { exitCode: 1, stdout, stderr, timedOut: false } });
    const verdict = await verifyBackup(
      options({ mode: "check", runner, installDir: fakeNeo4jInstall() }),
    );
    expect(verdict).toMatchObject({
      ok: false,
      outcome: "failed",
      failure: {
        code: "CONSISTENCY_CHECK_FAILED",
        stage: "neo4j",
        message: `neo4j-admin found the restored database inconsistent: Inconsistencies found. See '${report}' for details.`,
        hint: "do not rely on this backup; take a new one and check the source database (--keep-workspace keeps neo4j-admin's report)",
      },
    });
    expect(verdict.checks.filter((c) => c.group === "neo4j")).toEqual([
      expect.objectContaining({ id: "neo4j.load", status: "pass" }),
      expect.objectContaining({ id: "transaction.dumped", status: "skip" }),
      expect.objectContaining({
        id: "neo4j.check",
        status: "fail",
        detail: `Inconsistencies found. See '${report}' for details.`,
      }),
    ]);
    expect(readdirSync(workDir)).toEqual([]);
  });

  it("refuses --mode load without a Neo4j installation", async () => {
    store(committed());
    const report = await verifyBackup(options({ mode: "load" }));
    expect(report.failure).toMatchObject({
      code: "NEO4J_HOME_REQUIRED",
      category: "USAGE",
      message: "--mode load needs a Neo4j installation",
    });
  });
});

describe("what proves the loaded dump holds the recorded state (--mode load / check)", () => {
  const busy = { nodes: 5, relationships: 4, exact: false, counted_at_tx: 40, dumped_at_tx: 42 };
  const load = (extra: Partial<VerifyOptions>) =>
    verifyBackup(options({ mode: "load", installDir: fakeNeo4jInstall(), ...extra }));

  it("proves an inexact backup by its transaction id: the loaded store's last transaction = dumped_at_tx", async () => {
    store(committed(dump, meta({ stats: busy })));
    const report = await load({
      runner: fakeRunner({ lastTx: 42 }),
      // Counts that differ: writes landed between counting and the stop, so they are not compared.
      driverFactory: fakeDriver({ nodes: 9, relationships: 4 }),
    });
    expect(report).toMatchObject({
      ok: true,
      outcome: "verified",
      proof: { method: "transaction-id" },
    });
    expect(report.checks.find((c) => c.id === "transaction.dumped")).toMatchObject({
      status: "pass",
      expected: 42,
      actual: 42,
    });
    expect(report.proof?.detail).toContain("counts not compared: not comparable");
  });

  it("fails TRANSACTION_MISMATCH (NEO4J) when the dump holds another transaction than dumped_at_tx, before starting it", async () => {
    store(committed(dump, meta({ stats: busy })));
    const runner = fakeRunner({ lastTx: 37 });
    const report = await load({
      runner,
      driverFactory: fakeDriver({ nodes: 5, relationships: 4 }),
    });
    expect(report).toMatchObject({
      ok: false,
      outcome: "failed",
      failure: {
        code: "TRANSACTION_MISMATCH",
        category: "NEO4J",
        message:
          "the dump holds the database at transaction 37, but its sidecar says it was dumped at transaction 42",
      },
    });
    expect(report.checks.find((c) => c.id === "transaction.dumped")?.status).toBe("fail");
    expect(runner.calls.map((a) => a[0])).not.toContain("start");
  });

  it("names both proofs when the counts are exact and the transaction id matches; none without stats", async () => {
    store(committed(dump, meta({ stats: { ...busy, exact: true, counted_at_tx: 42 } })));
    const both = await load({
      runner: fakeRunner({ lastTx: 42 }),
      driverFactory: fakeDriver({ nodes: 5, relationships: 4 }),
    });
    expect(both.proof?.method).toBe("exact-counts+transaction-id");

    store(committed(dump, meta({ stats: undefined })));
    const none = await load({
      runner: fakeRunner({ lastTx: 42 }),
      driverFactory: fakeDriver({ nodes: 5, relationships: 4 }),
    });
    expect(none).toMatchObject({ ok: true, proof: { method: "none" } });
    expect(none.proof?.detail).toContain("the sidecar has no stats");
  });

  it("--mode check proves by the transaction id alone", async () => {
    store(committed(dump, meta({ stats: busy })));
    const report = await verifyBackup(
      options({
        mode: "check",
        runner: fakeRunner({ lastTx: 42 }),
        installDir: fakeNeo4jInstall(),
      }),
    );
    expect(report).toMatchObject({ ok: true, proof: { method: "transaction-id" } });
  });

  it("fails INDEX_FAILED (NEO4J) naming a FAILED index and Neo4j's reason", async () => {
    store(committed());
    const failed = {
      name: "big_text",
      type: "RANGE",
      entityType: "NODE",
      labelsOrTypes: ["Doc"],
      properties: ["text"],
      state: "FAILED",
      failureMessage: "java.lang.IllegalArgumentException: Property value is too large to index",
    };
    const report = await load({
      runner: fakeRunner(),
      driverFactory: fakeDriver({ nodes: 5, relationships: 4, indexes: [failed] }),
    });
    expect(report).toMatchObject({
      ok: false,
      failure: { code: "INDEX_FAILED", category: "NEO4J", stage: "neo4j" },
    });
    expect(report.failure?.message).toContain(
      "big_text (java.lang.IllegalArgumentException: Property value is too large to index)",
    );
    expect(report.checks.find((c) => c.id === "index.state.big_text")).toMatchObject({
      status: "fail",
      expected: "ONLINE",
      actual: "FAILED",
    });
  });

  it("waits for a POPULATING index to come ONLINE, and fails INDEX_NOT_ONLINE when the wait ends first", async () => {
    const index = {
      name: "title",
      type: "RANGE",
      entityType: "NODE",
      labelsOrTypes: ["Movie"],
      properties: ["title"],
    };
    // Read 0 is the schema capture; the wait reads from 1 on.
    const populatingUntil =
      (last: number) =>
      (read: number): Record<string, unknown>[] => [
        read <= last ? { ...index, state: "POPULATING", populationPercent: 50 } : index,
      ];
    store(committed());
    const events: string[] = [];
    const waited = await load({
      runner: fakeRunner(),
      driverFactory: fakeDriver({ nodes: 5, relationships: 4, indexes: populatingUntil(1) }),
      onEvent: (event) => events.push(event),
    });
    expect(waited).toMatchObject({ ok: true, outcome: "verified" });
    expect(waited.checks.find((c) => c.id === "index.state.title")?.status).toBe("pass");
    expect(events).toContain("verify.indexes.populating");

    store(committed());
    const cut = await load({
      runner: fakeRunner(),
      driverFactory: fakeDriver({ nodes: 5, relationships: 4, indexes: populatingUntil(99) }),
      indexTimeoutMs: 0,
    });
    expect(cut).toMatchObject({ ok: false, failure: { code: "INDEX_NOT_ONLINE" } });
    expect(cut.failure?.message).toContain("title POPULATING 50.0% after waiting 0 s");
  });
});
