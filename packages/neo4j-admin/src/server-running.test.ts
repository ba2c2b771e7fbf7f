import { describe, expect, it } from "vitest";
import type { Neo4jInstallation } from "./installation.js";
import { serverRunning } from "./server-running.js";
import type { ServerProcesses } from "./server-processes.js";
import { basename, fakeInstall, fakeRunner } from "../test/fakes.js";
import type { RecordedRun } from "../test/fakes.js";
import { parseNeo4jVersion } from "./version.js";

const install = (service?: string): Neo4jInstallation => {
  const home = fakeInstall();
  return {
    home,
    confDir: `${home}/conf`,
    version: parseNeo4jVersion("5.26.30"),
    edition: "community",
    ...(service === undefined ? {} : { service }),
  };
};

const found = (pids: number[] | undefined): ServerProcesses & { asked: string[] } => {
  const asked: string[] = [];
  return {
    asked,
    find: (home) => {
      asked.push(home);
      return Promise.resolve(pids);
    },
    kill: () => {},
    gone: () => Promise.resolve(true),
  };
};

/** `neo4j status` (or systemctl is-active) answering `running`. */
const statusRunner = (running: boolean) => fakeRunner(() => ({ exitCode: running ? 0 : 3 }));

const ran = (runs: RecordedRun[]) => runs.map((r) => `${basename(r.file)} ${r.args.join(" ")}`);

describe("serverRunning", () => {
  it("says running from a live process serving the home, without the neo4j status JVM", async () => {
    const inst = install();
    const runner = statusRunner(false);
    const processes = found([4242]);
    expect(await serverRunning(inst, { runner, timeoutMs: 1000, processes })).toBe(true);
    expect(processes.asked).toEqual([inst.home]);
    expect(runner.runs).toEqual([]);
  });

  it.each([
    ["no process found", [] as number[]],
    ["no /proc to look in", undefined],
  ])(
    "asks neo4j status when there is %s: not running is never concluded from a scan",
    async (_, pids) => {
      const inst = install();
      for (const running of [true, false]) {
        const runner = statusRunner(running);
        expect(await serverRunning(inst, { runner, timeoutMs: 1000, processes: found(pids) })).toBe(
          running,
        );
        expect(ran(runner.runs)).toEqual(["neo4j status"]);
      }
    },
  );

  it("asks systemd for a unit-managed server, whatever the processes", async () => {
    const inst = install("neo4j.service");
    const runner = statusRunner(false);
    const processes = found([4242]);
    expect(await serverRunning(inst, { runner, timeoutMs: 1000, processes })).toBe(false);
    expect(processes.asked).toEqual([]);
    expect(ran(runner.runs)).toEqual(["systemctl is-active --quiet neo4j.service"]);
  });
});
