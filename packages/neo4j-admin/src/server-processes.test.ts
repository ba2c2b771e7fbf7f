import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { killServer, procServerProcesses } from "./server-processes.js";
import { tempDir } from "../test/fakes.js";

/** A process shaped like Neo4j's server: a command line naming `--home-dir=<home>`. */
function fakeServer(args: string[]) {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)", "--", ...args], {
    stdio: "ignore",
  });
  return child;
}

describe.skipIf(!existsSync("/proc/self/cmdline"))("procServerProcesses (Linux)", () => {
  it("finds the processes naming the home, SIGKILLs them and waits until they are gone", async () => {
    const home = tempDir("nbs-eph-home-");
    const other = tempDir("nbs-eph-other-");
    const server = fakeServer([`--home-dir=${home}`, `--config-dir=${home}/conf`]);
    const neighbour = fakeServer([`--home-dir=${other}`]);
    const spaced = fakeServer(["--home-dir", home]);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200)); // let exec replace the cmdline
      const found = await procServerProcesses.find(home);
      expect(found?.sort()).toEqual([server.pid, spaced.pid].sort());

      expect(await killServer(home, procServerProcesses)).toBe(true);
      expect(await procServerProcesses.gone(server.pid!)).toBe(true);
      expect(await procServerProcesses.gone(spaced.pid!)).toBe(true);
      expect(await procServerProcesses.find(home)).toEqual([]);
      // Nothing else was touched.
      expect(await procServerProcesses.gone(neighbour.pid!)).toBe(false);
    } finally {
      for (const child of [server, neighbour, spaced]) child.kill("SIGKILL");
    }
  });

  it("ignores a pid file whose pid is not a server of this home (reused)", async () => {
    const home = tempDir("nbs-eph-home-");
    await mkdir(join(home, "run"));
    const unrelated = fakeServer(["--not-neo4j"]);
    try {
      await writeFile(join(home, "run", "neo4j.pid"), `${unrelated.pid}\n`);
      expect(await procServerProcesses.find(home)).toEqual([]);
      expect(await killServer(home, procServerProcesses)).toBe(true);
      expect(await procServerProcesses.gone(unrelated.pid!)).toBe(false);
    } finally {
      unrelated.kill("SIGKILL");
    }
  });
});
