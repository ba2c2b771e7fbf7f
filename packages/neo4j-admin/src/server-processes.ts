import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { NbsError } from "@nbs/errors";

/**
 * The processes of one Neo4j home, for ending a server whose data is about to be deleted
 * (EphemeralInstance.dispose). Injected in tests.
 */
export interface ServerProcesses {
  /**
   * Pids of the live processes serving `home` (their command line names it as `--home-dir`),
   * or undefined when this platform cannot tell (no /proc): the caller then stops gracefully.
   */
  find(home: string): Promise<number[] | undefined>;
  /** SIGKILL. */
  kill(pid: number): void;
  /** True once the process no longer runs (gone, or a zombie waiting to be reaped). */
  gone(pid: number): Promise<boolean>;
}

/** The /proc-based {@link ServerProcesses} (Linux). */
export const procServerProcesses: ServerProcesses = {
  async find(home) {
    const entries = await readdir("/proc").catch(() => undefined);
    if (entries === undefined) return undefined;
    // The pid file first (the usual case), then a scan: a JVM launched by a `neo4j start` that
    // was cancelled before it wrote the pid file is found by its command line alone.
    const fromFile = Number(
      (await readFile(join(home, "run", "neo4j.pid"), "utf8").catch(() => "")).trim(),
    );
    const candidates = new Set(
      [fromFile, ...entries.map(Number)].filter((pid) => Number.isInteger(pid) && pid > 0),
    );
    candidates.delete(process.pid);
    const found: number[] = [];
    for (const pid of candidates) {
      // A pid file's pid may have been reused: only a process naming this home counts.
      const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
      if (servesHome(cmdline.split("\0"), home) && !(await procGone(pid))) found.push(pid);
    }
    return found;
  },
  kill(pid) {
    try {
      process.kill(pid, "SIGKILL");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
  },
  gone: procGone,
};

/** `neo4j start` runs the server as `java … --home-dir=<home> --config-dir=<conf>`. */
function servesHome(args: readonly string[], home: string): boolean {
  return args.some(
    (arg, i) => arg === `--home-dir=${home}` || (arg === "--home-dir" && args[i + 1] === home),
  );
}

async function procGone(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
  // Killed but not yet reaped by its parent (init, once `neo4j start` has exited): a zombie.
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return stat === "" || /^\d+ \(.*\) [ZX]/.test(stat);
}

/**
 * SIGKILL every process serving `home` and wait until none runs. Only for a server whose data is
 * thrown away: nothing is flushed or checkpointed. Returns false when the platform cannot find
 * the processes (the caller falls back to `neo4j stop`).
 */
export async function killServer(
  home: string,
  processes: ServerProcesses,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<boolean> {
  const pids = await processes.find(home);
  if (pids === undefined) return false;
  for (const pid of pids) processes.kill(pid);
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let running = pids;
  while (running.length > 0) {
    const still: number[] = [];
    for (const pid of running) if (!(await processes.gone(pid))) still.push(pid);
    running = still;
    if (running.length === 0) break;
    if (Date.now() >= deadline)
      throw new NbsError(
        "NEO4J_NOT_STOPPED",
        `the ephemeral Neo4j in ${home} (pid ${running.join(", ")}) did not exit after SIGKILL`,
        { hint: "the process may be stuck in the kernel (disk I/O); check it with ps and kill it" },
      );
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
  return true;
}
