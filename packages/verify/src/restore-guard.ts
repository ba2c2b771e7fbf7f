import { access } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { BackupMeta } from "@nbs/metadata";
import { NbsError, isNbsError } from "@nbs/errors";
import { readHomeConf, type HomeConf, type Neo4jInstallation } from "@nbs/neo4j-admin";
import type { VerifyEventSink } from "./events.js";
import {
  checkBackupDb,
  checkDumpVersion,
  checkFreeSpace,
  checkTargetDbName,
  dumpBytesOf,
  type RestorePreflight,
} from "./restore-preflight.js";
import type { RestoreServerReport } from "./restore-report.js";
import type { SafetyCopy } from "./safety-copy.js";

export interface PreflightInput {
  inst: Neo4jInstallation;
  meta: BackupMeta | undefined;
  storedSize: number;
  /** The database replaced. */
  target: string;
  /** The database the backup must be of. */
  backupDb: string;
  freeBytes: (dir: string) => Promise<number>;
}

/**
 * Everything that can be checked without Bolt before anything is stopped or downloaded: the
 * target name, the backup's database, its Neo4j version, the data directory's free space.
 */
export async function preflightRestore(
  input: PreflightInput,
): Promise<{ preflight: RestorePreflight; conf: HomeConf }> {
  checkTargetDbName(input.target);
  checkBackupDb(input.meta, input.backupDb, input.target);
  const version = checkDumpVersion(input.meta, input.inst);
  const conf = await readHomeConf(input.inst);
  const space = await checkFreeSpace(
    conf.dataDir,
    dumpBytesOf(input.meta, input.storedSize),
    input.freeBytes,
  );
  const database = {
    target: input.target,
    ...(input.meta ? { backup: input.meta.db_name } : {}),
    renamed: input.backupDb !== input.target,
  };
  return { preflight: { database, version, space }, conf };
}

/** Where the safety copy goes by default: beside the data directory. */
export function defaultSafetyDir(conf: HomeConf): string {
  return join(dirname(conf.dataDir), "nbs-safety-copies");
}

/**
 * Whether the restore replaces data (so a safety copy is due): the nodes counted over Bolt, or,
 * with the server down, whether the database has a store at all.
 */
export async function replacesData(
  target: RestoreServerReport["target"],
  conf: HomeConf,
): Promise<boolean> {
  if (target.running) return (target.nodes_before ?? 0) > 0;
  return access(join(conf.dataDir, "databases", target.database)).then(
    () => true,
    () => false,
  );
}

/** `--no-safety-copy` over data: said loudly, since nothing can bring that data back. */
export function warnNoSafetyCopy(onEvent: VerifyEventSink, database: string): void {
  onEvent("restore.safety-copy.skipped", {
    message: `--no-safety-copy: the data in ${database} is replaced without a copy; if the load fails it may be lost`,
  });
}

/**
 * After the safety copy was made, every failure that left it in place names it, so the operator
 * knows the way back; a copy already loaded back is named in the error's message.
 */
export function withSafetyCopy(error: unknown, copy: SafetyCopy | undefined): unknown {
  if (!copy || copy.loaded_back || !isNbsError(error)) return error;
  return new NbsError(error.code, error.message, {
    hint: `${error.hint ? `${error.hint}; ` : ""}the data replaced is kept in the safety copy ${copy.file} (with its .meta.json): load it back with neo4j-admin database load if needed`,
    cause: error.cause ?? error,
  });
}
