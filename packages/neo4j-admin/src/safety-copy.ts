import { buildDumpCommand, buildLoadCommand, dumpFileName } from "./commands.js";
import type { Neo4jInstallation } from "./installation.js";
import { join } from "node:path";
import { runNeo4jCommand } from "./run-command.js";
import type { ProcessRunner } from "./runner.js";

export interface OfflineCopyOptions {
  /** The operator's installation; its server must be stopped. */
  installation: Neo4jInstallation;
  db: string;
  /** Directory of `<db>.dump`: written by the dump, read by the load. */
  dir: string;
  runner: ProcessRunner;
  /** Default 1 hour. */
  timeoutMs?: number;
}

/** Dump the stopped `db` to `<dir>/<db>.dump` (a restore's safety copy); returns that path. */
export async function dumpStoppedDatabase(options: OfflineCopyOptions): Promise<string> {
  await runNeo4jCommand(
    options.runner,
    buildDumpCommand(options.installation, options.db, options.dir),
    { cwd: options.dir, timeoutMs: options.timeoutMs ?? 3_600_000 },
  );
  return join(options.dir, dumpFileName(options.db));
}

/** Load `<dir>/<db>.dump` over the stopped `db`, replacing it (a safety copy put back). */
export async function loadStoppedDatabase(options: OfflineCopyOptions): Promise<void> {
  await runNeo4jCommand(
    options.runner,
    buildLoadCommand(options.installation, options.db, options.dir),
    { cwd: options.dir, timeoutMs: options.timeoutMs ?? 3_600_000 },
  );
}
