import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { repoRoot } from "../src/services-env.ts";

const script = join(repoRoot, "tooling", "services", "neo4j-orphans.sh");
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** A process whose command line looks like a Neo4j server's serving `home` (no JVM needed). */
function fakeServer(home: string): number {
  const child = spawn(
    process.execPath,
    [
      "-e",
      "setInterval(() => {}, 1000)",
      "org.neo4j.server.CommunityEntryPoint",
      `--home-dir=${home}`,
    ],
    { stdio: "ignore" },
  );
  children.push(child);
  return child.pid!;
}

// Only this test's homes: --stop must never touch another run's servers on a shared machine.
const prefix = join(tmpdir(), "nbs-orphan-test-");

function orphans(...args: string[]): { code: number | null; stdout: string } {
  const run = spawnSync("bash", [script, ...args], {
    encoding: "utf8",
    env: { ...process.env, NBS_ORPHANS_HOME_PREFIX: prefix },
  });
  return { code: run.status, stdout: run.stdout };
}

/** Running, not a zombie waiting for this process to reap it. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function commandLineSeen(pid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--home-dir=")) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it("names a Neo4j server whose home was deleted and fails; one whose home exists passes", async () => {
  const home = mkdtempSync(prefix);
  const pid = fakeServer(home);
  await commandLineSeen(pid);
  expect(orphans().stdout).not.toContain(`pid ${pid}:`);

  rmSync(home, { recursive: true, force: true });
  const found = orphans();
  expect(found.code).toBe(1);
  expect(found.stdout).toContain(`pid ${pid}: Neo4j server whose home ${home} is gone`);
});

it("ignores an orphan that started before `since` (another run's)", async () => {
  const home = mkdtempSync(prefix);
  const pid = fakeServer(home);
  await commandLineSeen(pid);
  rmSync(home, { recursive: true, force: true });
  const uptime = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
  expect(orphans(String(Math.floor(uptime) + 60)).stdout).not.toContain(`pid ${pid}:`);
  expect(orphans(String(Math.floor(uptime) - 60)).stdout).toContain(`pid ${pid}:`);
});

// What `dev.sh test` runs after the integration suites: an orphan fails the run (exit 1, which
// set -e makes the run's), is named on one line, and is stopped; no orphan, exit 0.
it("--stop: stops an orphan, names its pid and home in one FAIL line and exits 1", async () => {
  const home = mkdtempSync(prefix);
  const pid = fakeServer(home);
  await commandLineSeen(pid);
  const uptime = Math.floor(Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]));
  expect(orphans("--stop", String(uptime - 60)).stdout).not.toContain(`pid ${pid}:`);
  expect(running(pid)).toBe(true);

  rmSync(home, { recursive: true, force: true });
  const found = orphans("--stop", String(uptime - 60));
  expect(found.code).toBe(1);
  const lines = found.stdout.split("\n").filter((line) => line.includes(`pid ${pid}:`));
  expect(lines).toEqual([
    `neo4j-orphans: FAIL: pid ${pid}: Neo4j server whose home ${home} is gone (stopped now): a suite deleted its Neo4j home with a server still running in it (docs/ci-time.md)`,
  ]);
  expect(running(pid)).toBe(false);
  expect(orphans("--stop", String(uptime - 60)).stdout).not.toContain(`pid ${pid}:`);
});

it("looks only under NBS_ORPHANS_HOME_PREFIX when it is set (never at another run's servers)", async () => {
  const home = mkdtempSync(join(tmpdir(), "nbs-orphan-other-"));
  const pid = fakeServer(home);
  await commandLineSeen(pid);
  rmSync(home, { recursive: true, force: true });
  const uptime = Math.floor(Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]));
  expect(orphans("--stop", String(uptime - 60)).stdout).not.toContain(`pid ${pid}:`);
  expect(running(pid)).toBe(true);
});
