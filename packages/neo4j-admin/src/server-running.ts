import { serverCommand, type Neo4jInstallation } from "./installation.js";
import { runNeo4jCommand } from "./run-command.js";
import type { ProcessRunner } from "./runner.js";
import { procServerProcesses, type ServerProcesses } from "./server-processes.js";

export interface ServerRunningOptions {
  runner: ProcessRunner;
  signal?: AbortSignal | undefined;
  timeoutMs: number;
  /** Finds the server's processes. Default: /proc (Linux). */
  processes?: ServerProcesses | undefined;
}

/**
 * Whether the server of `inst` runs. A live process serving its home (`--home-dir=<home>` on its
 * command line, what `neo4j status` checks through the pid file) answers yes without a JVM;
 * otherwise (none found, no /proc, or a systemd unit) `neo4j status` / `systemctl is-active`
 * has the word, as before: "not running" is never concluded from a scan that found nothing.
 */
export async function serverRunning(
  inst: Neo4jInstallation,
  options: ServerRunningOptions,
): Promise<boolean> {
  if (inst.service === undefined) {
    const found = await (options.processes ?? procServerProcesses)
      .find(inst.home)
      .catch(() => undefined);
    if (found !== undefined && found.length > 0) return true;
  }
  const status = await runNeo4jCommand(options.runner, serverCommand(inst, "status"), {
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    okExitCodes: [0, 3],
  });
  return status.exitCode === 0;
}
