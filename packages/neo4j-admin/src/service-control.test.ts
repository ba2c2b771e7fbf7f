import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dumpDatabase } from "./dump-database.js";
import { isValidServiceName } from "./service-control.js";
import { basename, fakeInstall, fakeRunner, tempDir, type RecordedRun } from "../test/fakes.js";

const now = () => new Date("2026-03-04T05:06:07.890Z");

/** A server run by systemd: `systemctl` drives it; `bin/neo4j` must not be used for it. */
function systemdSimulator(options: { stopFails?: boolean } = {}) {
  let running = true;
  return fakeRunner(async ({ file, args }: RecordedRun) => {
    if (args[0] === "--version") return { stdout: "5.26.30\n" };
    if (basename(file) === "neo4j") throw new Error(`bin/neo4j ${args[0]} on a systemd server`);
    if (file === "systemctl") {
      if (args[0] === "is-active") return { exitCode: running ? 0 : 3 };
      running = args[0] === "start";
      if (args[0] === "stop" && options.stopFails)
        return { exitCode: 1, stderr: "Job for neo4j.service canceled." };
      return {};
    }
    if (args[1] === "dump") {
      if (running) return { exitCode: 1, stderr: "database is in use" };
      const toPath = args.find((a) => a.startsWith("--to-path="))!.slice("--to-path=".length);
      await writeFile(join(toPath, `${args[2]}.dump`), "DZV1-data");
    }
    return {};
  });
}

const systemctlCalls = (runs: RecordedRun[]) =>
  runs.filter((r) => r.file === "systemctl").map((r) => r.args.join(" "));

describe("a Neo4j run by systemd (service)", () => {
  it("is asked with systemctl is-active, stopped and started with systemctl, never bin/neo4j", async () => {
    const [home, outDir] = [fakeInstall(), tempDir("nbs-out-")];
    const runner = systemdSimulator();
    const result = await dumpDatabase({ home, service: "neo4j", db: "neo4j", outDir, runner, now });
    expect(basename(result.path)).toBe("neo4j-20260304T050607Z.dump");
    expect(systemctlCalls(runner.runs)).toEqual([
      "is-active --quiet neo4j",
      "stop neo4j",
      "start neo4j",
    ]);
  });

  it("a systemctl stop that fails: waits until the unit is inactive, starts it with systemctl, NEO4J_STOP_FAILED", async () => {
    const [home, outDir] = [fakeInstall(), tempDir("nbs-out-")];
    const runner = systemdSimulator({ stopFails: true });
    const error = await dumpDatabase({
      home,
      service: "neo4j",
      db: "neo4j",
      outDir,
      runner,
      now,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "NEO4J_STOP_FAILED",
      message: expect.stringContaining("Neo4j was started again"),
    });
    expect(systemctlCalls(runner.runs).at(-1)).toBe("start neo4j");
  });

  it("a restart that fails names systemctl start in its hint", async () => {
    const [home, outDir] = [fakeInstall(), tempDir("nbs-out-")];
    const base = systemdSimulator();
    const runner = fakeRunner((run) =>
      run.file === "systemctl" && run.args[0] === "start"
        ? { exitCode: 1, stderr: "Job for neo4j.service failed." }
        : base.run(run.file, run.args, run.options),
    );
    const error = await dumpDatabase({ home, service: "neo4j", db: "neo4j", outDir, runner, now })
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "NEO4J_NOT_RESTARTED",
      hint: expect.stringContaining("systemctl start neo4j"),
    });
  });

  it("takes unit names as systemctl does, and refuses options and paths", () => {
    expect(["neo4j", "neo4j.service", "neo4j@prod.service"].every(isValidServiceName)).toBe(true);
    expect(["--now", "../x", "a b", ""].some(isValidServiceName)).toBe(false);
  });
});
