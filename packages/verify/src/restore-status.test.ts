import type { ServerProcesses } from "@nbs/neo4j-admin";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { graph, proofInstance, servedFrom } from "../test/restore-doubles.js";
import { fakeNeo4jInstall, fakeOperatorServer, localBackup } from "@nbs/testenv/doubles";
import { restoreToServer, type RestoreServerOptions } from "./index.js";

// Each `neo4j status` is a JVM (1.7-3 CPU-s) and sits right before the stop: count them.

const temps: string[] = [];
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** /proc as the restore sees it: the server's pid while it runs, or no /proc at all. */
const procFinding = (pids: number[] | undefined): ServerProcesses => ({
  find: () => Promise.resolve(pids),
  kill: () => {},
  gone: () => Promise.resolve(true),
});

/** An empty target (so no --force is needed, and the re-check after the download runs). */
function emptyTarget(
  runner: ReturnType<typeof fakeOperatorServer>,
  over: Partial<RestoreServerOptions>,
): RestoreServerOptions {
  let loaded = false;
  const neo4jHome = fakeNeo4jInstall();
  const workDir = mkdtempSync(join(tmpdir(), "nbs-restore-status-"));
  temps.push(workDir);
  const empty = graph({ nodes: 0, relationships: 0 });
  const full = graph({ nodes: 5, relationships: 4 });
  return {
    source: { kind: "file", path: localBackup({}) },
    neo4jHome,
    runner: { run: (file, args, opts) => runner.run(file, args, opts) },
    connect: servedFrom(neo4jHome, () => (loaded ? full() : empty())),
    database: "neo4j",
    force: false,
    safetyCopy: false,
    workDir,
    proofInstance: proofInstance(),
    onEvent: (event) => {
      if (event === "restore.neo4j.load") loaded = true;
    },
    ...over,
  };
}

const SERVER_STEPS = ["neo4j stop", "neo4j-admin database load", "neo4j start"];

describe("restoreToServer: how often it asks whether the server runs", () => {
  it("a server found serving the home in /proc costs no `neo4j status` JVM at all", async () => {
    const runner = fakeOperatorServer();
    const report = await restoreToServer(emptyTarget(runner, { processes: procFinding([4242]) }));
    expect(report).toMatchObject({ outcome: "restored", target: { running: true } });
    expect(runner.steps).toEqual(SERVER_STEPS);
    const forced = fakeOperatorServer();
    await restoreToServer(emptyTarget(forced, { force: true, processes: procFinding([4242]) }));
    expect(forced.steps).toEqual(SERVER_STEPS);
  });

  it("without /proc: once in the preflight, once after the download, never again right before the stop", async () => {
    const runner = fakeOperatorServer();
    await restoreToServer(emptyTarget(runner, { processes: procFinding(undefined) }));
    expect(runner.steps).toEqual(["neo4j status", "neo4j status", ...SERVER_STEPS]);
  });

  it("--force skips the re-check, so the load asks once more: the download and the proof take minutes", async () => {
    const runner = fakeOperatorServer();
    await restoreToServer(emptyTarget(runner, { force: true, processes: procFinding(undefined) }));
    expect(runner.steps).toEqual(["neo4j status", "neo4j status", ...SERVER_STEPS]);
  });
});
