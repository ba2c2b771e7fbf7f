import { serverCommand, type Neo4jInstallation } from "./installation.js";
import { runNeo4jCommand } from "./run-command.js";
import type { ProcessRunner } from "./runner.js";

/**
 * Whether the DBMS runs: `neo4j status` (or `systemctl is-active` for a unit) exits 0 when it
 * does and 3 when it does not; any other exit is a failed command.
 */
export async function serverRunning(
  runner: ProcessRunner,
  inst: Neo4jInstallation,
  options: { timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<boolean> {
  const status = await runNeo4jCommand(runner, serverCommand(inst, "status"), {
    ...(options.signal ? { signal: options.signal } : {}),
    timeoutMs: options.timeoutMs,
    okExitCodes: [0, 3],
  });
  return status.exitCode === 0;
}
