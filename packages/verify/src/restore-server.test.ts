import type { ProcessRunner } from "@nbs/neo4j-admin";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { graph, proofInstance, servedFrom } from "../test/restore-doubles.js";
import {
  DUMP as dump,
  fakeNeo4jInstall,
  fakeOperatorServer,
  localBackup as backupFile,
} from "@nbs/testenv/doubles";
import { restoreToServer, type RestoreServerOptions } from "./index.js";

const temps: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A local dump with a sidecar describing `described` (the dump itself by default). */
const localBackup = (
  bytes: Buffer = dump,
  described: Buffer = bytes,
  extra: Record<string, unknown> = {},
) => backupFile({ bytes, described, meta: extra });

function options(
  over: Partial<RestoreServerOptions> = {},
): RestoreServerOptions & { workDir: string } {
  const { connect = graph({ nodes: 5, relationships: 4 }), ...rest } = over;
  const neo4jHome = fakeNeo4jInstall();
  return {
    source: { kind: "file", path: localBackup() },
    neo4jHome,
    runner: fakeOperatorServer(),
    connect: servedFrom(neo4jHome, connect),
    database: "neo4j",
    force: true,
    safetyCopy: false,
    workDir: temp("nbs-restore-work-"),
    proofInstance: proofInstance(),
    ...rest,
  };
}

const SERVER_STEPS = ["neo4j stop", "neo4j-admin database load", "neo4j start"];

describe("restoreToServer", () => {
  it("proves the bytes, then stops, loads, starts, and compares counts", async () => {
    const runner = fakeOperatorServer();
    const o = options({ runner });
    const report = await restoreToServer(o);
    expect(report).toMatchObject({
      outcome: "restored",
      target: { running: true, nodes_before: 5, forced: true },
      counts: { actual: { nodes: 5, relationships: 4 } },
    });
    expect(report.checks.filter((c) => c.status === "fail")).toEqual([]);
    expect(runner.steps).toEqual(["neo4j status", "neo4j status", ...SERVER_STEPS]);
    expect(readdirSync(o.workDir)).toEqual([]);
  });

  it("never touches the server when the bytes differ from the sidecar", async () => {
    const runner = fakeOperatorServer();
    const tampered = Buffer.from(dump);
    tampered.writeUInt8(tampered.readUInt8(100) ^ 1, 100);
    await expect(
      restoreToServer(
        options({ runner, source: { kind: "file", path: localBackup(tampered, dump) } }),
      ),
    ).rejects.toMatchObject({ code: "RESTORE_BYTES_MISMATCH", category: "INTEGRITY" });
    expect(runner.steps).toEqual(["neo4j status"]);
  });

  it("never loads a dump with nothing to compare its sha256 with", async () => {
    const runner = fakeOperatorServer();
    const file = join(temp("nbs-restore-file-"), "neo4j.dump");
    writeFileSync(file, dump);
    await expect(
      restoreToServer(options({ runner, source: { kind: "file", path: file } })),
    ).rejects.toMatchObject({ code: "RESTORE_UNVERIFIED" });
    expect(runner.steps).not.toContain("neo4j stop");
  });

  it("never loads verified bytes that are not a Neo4j dump", async () => {
    const runner = fakeOperatorServer();
    const text = Buffer.from("just some text, not a dump\n".repeat(10));
    await expect(
      restoreToServer(options({ runner, source: { kind: "file", path: localBackup(text) } })),
    ).rejects.toMatchObject({ code: "RESTORE_NOT_A_DUMP" });
    expect(runner.steps).not.toContain("neo4j stop");
  });

  it("refuses a database holding data without --force, before downloading anything", async () => {
    const runner = fakeOperatorServer();
    const o = options({ runner, force: false });
    await expect(restoreToServer(o)).rejects.toMatchObject({
      code: "RESTORE_TARGET_NOT_EMPTY",
      category: "USAGE",
    });
    expect(runner.steps).toEqual(["neo4j status"]);
    expect(readdirSync(o.workDir)).toEqual([]);
  });

  it("restores into an empty database without --force", async () => {
    let restored = false;
    const runner = fakeOperatorServer({ onLoad: () => (restored = true) });
    const empty = graph({ nodes: 0, relationships: 0 });
    const full = graph({ nodes: 5, relationships: 4 });
    const report = await restoreToServer(
      options({ runner, force: false, connect: () => (restored ? full() : empty()) }),
    );
    expect(report.target).toMatchObject({ nodes_before: 0, forced: false });
  });

  it("refuses a server that is not running without --force (emptiness unknown)", async () => {
    const runner = fakeOperatorServer({ running: false });
    await expect(restoreToServer(options({ runner, force: false }))).rejects.toMatchObject({
      code: "RESTORE_TARGET_UNKNOWN",
    });
    expect(runner.steps).toEqual(["neo4j status"]);
  });

  it("fails RESTORE_COUNTS_DIFFER when the dump, loaded where no client writes, differs from the sidecar: the server is never stopped", async () => {
    const runner = fakeOperatorServer();
    const error: unknown = await restoreToServer(
      options({ runner, proofInstance: proofInstance({ nodes: 4, relationships: 4 }) }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "RESTORE_COUNTS_DIFFER", category: "NEO4J" });
    expect((error as Error).message).toContain("nodes expected 5, found 4");
    expect((error as Error).message).toContain("was not stopped and its data not replaced");
    expect(runner.steps).toEqual(["neo4j status"]);
  });

  it("does not compare counts on the running server after the start: applications may already write", async () => {
    const report = await restoreToServer(
      options({ connect: graph({ nodes: 7, relationships: 4 }) }),
    );
    expect(report).toMatchObject({
      outcome: "restored",
      counts: { actual: { nodes: 5, relationships: 4 } },
    });
    expect(report.checks.find((c) => c.id === "served.online")).toMatchObject({ status: "pass" });
  });

  it("fails TRANSACTION_MISMATCH before the stop when the dump holds another transaction than dumped_at_tx", async () => {
    const runner = fakeOperatorServer();
    const stats = { nodes: 5, relationships: 4, exact: false, dumped_at_tx: 42 };
    const source = { kind: "file" as const, path: localBackup(dump, dump, { stats }) };
    await expect(
      restoreToServer(options({ runner, source, proofInstance: proofInstance(undefined, 41) })),
    ).rejects.toMatchObject({ code: "TRANSACTION_MISMATCH", category: "NEO4J" });
    expect(runner.steps).not.toContain("neo4j stop");

    const proven = await restoreToServer(
      options({ source, proofInstance: proofInstance(undefined, 42) }),
    );
    expect(proven.proof).toMatchObject({ method: "transaction-id" });
  });

  it("fails INDEX_FAILED after the start when an index of the restored server is FAILED", async () => {
    const failed = {
      name: "big_text",
      type: "RANGE",
      entityType: "NODE",
      labelsOrTypes: ["Doc"],
      properties: ["text"],
      state: "FAILED",
      failureMessage: "Property value is too large to index",
    };
    const runner = fakeOperatorServer();
    const error: unknown = await restoreToServer(
      options({ runner, connect: graph({ nodes: 5, relationships: 4, indexes: [failed] }) }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "INDEX_FAILED", category: "NEO4J" });
    expect((error as Error).message).toBe(
      "the restored database has a FAILED index: big_text (Property value is too large to index)",
    );
    expect(runner.steps).toEqual(["neo4j status", "neo4j status", ...SERVER_STEPS]);
  });

  it("fails SCHEMA_MISMATCH when a constraint recorded at dump time is missing after the restore", async () => {
    const person = {
      name: "person_id",
      type: "UNIQUENESS",
      entity_type: "NODE",
      labels_or_types: ["Person"],
      properties: ["id"],
    };
    const stats = { nodes: 5, relationships: 4, schema: { indexes: [], constraints: [person] } };
    const source = { kind: "file" as const, path: localBackup(dump, dump, { stats }) };
    // The dump lacks it: found in the proof, before the stop.
    const runner = fakeOperatorServer();
    await expect(restoreToServer(options({ source, runner }))).rejects.toMatchObject({
      code: "SCHEMA_MISMATCH",
      category: "NEO4J",
    });
    expect(runner.steps).not.toContain("neo4j stop");
    // The dump holds it, the server lacks it after the start.
    const row = {
      name: "person_id",
      type: "UNIQUENESS",
      entityType: "NODE",
      labelsOrTypes: ["Person"],
      properties: ["id"],
    };
    const after = fakeOperatorServer();
    const error: unknown = await restoreToServer(
      options({
        source,
        runner: after,
        proofInstance: proofInstance({ nodes: 5, relationships: 4, constraints: [row] }),
      }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SCHEMA_MISMATCH" });
    expect((error as Error).message).toContain("on the server after the restore");
    expect(after.steps).toContain("neo4j start");
  });

  it("--dry-run checks the target and plans; nothing downloaded, nothing stopped", async () => {
    const runner = fakeOperatorServer();
    const o = options({ runner, dryRun: true });
    const report = await restoreToServer(o);
    expect(report.outcome).toBe("dry-run");
    expect(report.plan?.join("\n")).toMatch(/--overwrite-destination neo4j/);
    // The dump is proven in a private instance before the server is stopped.
    expect(report.plan?.join("\n")).toMatch(/private ephemeral Neo4j[^]*\nstop Neo4j/);
    expect(runner.steps).toEqual(["neo4j status"]);
    expect(readdirSync(o.workDir)).toEqual([]);
  });

  it("--neo4j-service: asks, stops and starts the systemd unit through systemctl, never bin/neo4j", async () => {
    const runner = fakeOperatorServer();
    await restoreToServer(options({ runner, service: "neo4j" }));
    expect(runner.steps).toEqual([
      "systemctl is-active --quiet",
      "systemctl is-active --quiet",
      "systemctl stop neo4j",
      "neo4j-admin database load",
      "systemctl start neo4j",
    ]);
  });

  it("--neo4j-service: a failed load still starts the unit again through systemctl", async () => {
    const server = fakeOperatorServer();
    const runner: ProcessRunner = {
      run: (file, args, opts) =>
        args[1] === "load"
          ? server
              .run(file, args, opts)
              .then(() => ({ exitCode: 1, stdout: "", stderr: "load failed", timedOut: false }))
          : server.run(file, args, opts),
    };
    await expect(restoreToServer(options({ runner, service: "neo4j" }))).rejects.toMatchObject({
      code: "RESTORE_LOAD_FAILED",
    });
    expect(server.steps.slice(-2)).toEqual(["neo4j-admin database load", "systemctl start neo4j"]);
  });
});
