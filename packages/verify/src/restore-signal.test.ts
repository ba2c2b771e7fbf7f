import { NbsError } from "@nbs/errors";
import type { ProcessRunner, RunResult } from "@nbs/neo4j-admin";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fakeNeo4jInstall, localBackup } from "@nbs/testenv/doubles";
import { graph, proofInstance, servedFrom } from "../test/restore-doubles.js";
import { restoreToServer } from "./index.js";

// What a SIGINT/SIGTERM during a restore turns into: before the load nothing changed (and a
// stopped server runs again); once the load began, the database was replaced and the error says so.

const temps: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A local backup (a dump of 4 KiB) and its sidecar. */
const backup = () => localBackup();

/** The operator's server; `during(step)` runs as a step starts (e.g. the signal arrives). */
function server(during: (step: string) => void): ProcessRunner & { steps: string[] } {
  let running = true;
  const steps: string[] = [];
  const ok: RunResult = { exitCode: 0, stdout: "", stderr: "", timedOut: false };
  return {
    steps,
    run(file, args, options) {
      if (args.includes("--version"))
        return Promise.resolve({ ...ok, stdout: "neo4j-admin 5.26.30\n" });
      const step = `${file.split("/").at(-1)} ${args.slice(0, 2).join(" ")}`;
      steps.push(step);
      during(step);
      if (args[0] === "status") return Promise.resolve({ ...ok, exitCode: running ? 0 : 3 });
      if (args[0] === "stop" || args[0] === "start") running = args[0] === "start";
      // A cancelled command is killed, as the spawn runner does (its SIGTERM was sent anyway).
      if (options?.signal?.aborted)
        return Promise.reject(new NbsError("INTERRUPTED", `${step} was cancelled`));
      return Promise.resolve(ok);
    },
  };
}

/** Restore onto the fake server; after the start its database reports `status`. */
function restore(runner: ProcessRunner, signal: AbortSignal, status = "online") {
  const neo4jHome = fakeNeo4jInstall();
  return restoreToServer({
    source: { kind: "file", path: backup() },
    neo4jHome,
    runner,
    connect: servedFrom(neo4jHome, graph({ nodes: 5, relationships: 4, status })),
    neo4jUri: "bolt://127.0.0.1:7999",
    database: "neo4j",
    force: true,
    safetyCopy: false,
    workDir: temp("nbs-restore-work-"),
    proofInstance: proofInstance(),
    signal,
  });
}

// The start after a failed stop first looks through /proc for the server: slow on a loaded machine.
describe("restoreToServer after a signal", { timeout: 30_000 }, () => {
  it("during the stop: the server is started again, nothing loaded, RESTORE_INTERRUPTED (130)", async () => {
    const interrupt = new AbortController();
    const runner = server((step) => step === "neo4j stop" && interrupt.abort("SIGTERM"));
    await expect(restore(runner, interrupt.signal)).rejects.toMatchObject({
      code: "RESTORE_INTERRUPTED",
      category: "ABORTED",
      message: "restore interrupted before anything was loaded",
    });
    expect(runner.steps.slice(-3)).toEqual(["neo4j stop", "neo4j status", "neo4j start"]);
    expect(runner.steps).not.toContain("neo4j-admin database load");
  });

  it("during the load: the load and start finish, and the error says the database was replaced (exit 6)", async () => {
    const interrupt = new AbortController();
    const runner = server((step) => step.endsWith("load") && interrupt.abort("SIGTERM"));
    await expect(restore(runner, interrupt.signal, "offline")).rejects.toMatchObject({
      code: "RESTORE_UNFINISHED",
      category: "NEO4J",
      message: expect.stringMatching(
        /^restore interrupted after the load of neo4j began: the database was replaced \(by the backup, or by the safety copy loaded back after a failed load\) and the restore did not finish \(RESTORE_COUNT_FAILED: /,
      ),
    });
    expect(runner.steps.slice(-2)).toEqual(["neo4j-admin database load", "neo4j start"]);
  });
});
