import { readFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { basename, join } from "node:path";

/**
 * What `bin/neo4j stop` does, without starting a JVM for it (about 2 CPU-s each on a small
 * machine): SIGTERM to the server in `run/neo4j.pid`, wait until it has exited, remove the pid
 * file. A server that has not exited after `timeoutMs` is killed and the stop rejects. A pid
 * file left by a server that died is no reason to signal whatever process has its pid now: only
 * a process whose command line names the home is signalled.
 */
export async function stopNeo4jServer(home: string, timeoutMs = 120_000): Promise<void> {
  const pidFile = join(home, "run", "neo4j.pid");
  const pid = Number((await readFile(pidFile, "utf8").catch(() => "")).trim());
  if (Number.isInteger(pid) && pid > 0 && alive(pid) && serves(pid, home)) {
    process.kill(pid, "SIGTERM");
    const deadline = Date.now() + timeoutMs;
    while (alive(pid)) {
      if (Date.now() > deadline) {
        process.kill(pid, "SIGKILL");
        throw new Error(`Neo4j in ${home} (pid ${pid}) did not stop within ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await rm(pidFile, { force: true });
}

/** Whether `pid`'s command line names `home` (its `--home-dir`); true without /proc. */
function serves(pid: number, home: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(basename(home));
  } catch {
    return true;
  }
}

/** Running, not a zombie waiting for a parent to reap it. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no /proc (not Linux): signal 0 is all there is
  }
}
