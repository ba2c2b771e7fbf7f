import { statfs } from "node:fs/promises";
import { dirname } from "node:path";
import type { BackupMeta } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import type { Neo4jInstallation } from "@nbs/neo4j-admin";

/**
 * The data directory needs this many times the (uncompressed) dump size free: the loaded store
 * is larger than the dump that holds it, and the safety copy of the data it replaces is written
 * beside it by default.
 */
const RESTORE_SPACE_FACTOR = 3;

/** What the checks before the stop found; in the report and the `--dry-run` output. */
export interface RestorePreflight {
  database: { target: string; backup?: string; renamed: boolean };
  version: { dump?: string; target: string; loadable: "yes" | "unknown" };
  space: { data_dir: string; free_bytes: number; needed_bytes: number; factor: number };
}

/**
 * Neo4j's rules for a database name (5.x and 2025.x): 3 to 63 characters, an ASCII letter first,
 * then ASCII letters, digits, dots and dashes; names starting `system` or ending `.backup` are reserved.
 */
export function checkTargetDbName(name: string): void {
  const valid =
    /^[a-zA-Z][a-zA-Z0-9.-]{2,62}$/.test(name) &&
    !name.toLowerCase().startsWith("system") &&
    !name.toLowerCase().endsWith(".backup");
  if (!valid)
    throw new NbsError(
      "RESTORE_DB_NAME_INVALID",
      `${JSON.stringify(name)} is not a database name Neo4j accepts; nothing was stopped`,
      {
        hint: "name a database of 3-63 ASCII letters, digits, '.' and '-', starting with a letter, not system…",
      },
    );
}

/** A backup of one database never replaces another one unless the operator said so (`--as-db`). */
export function checkBackupDb(
  meta: BackupMeta | undefined,
  backupDb: string,
  target: string,
): void {
  if (!meta || meta.db_name === backupDb) return;
  throw new NbsError(
    "RESTORE_DB_MISMATCH",
    `the backup is of database ${meta.db_name}, but --db is ${backupDb}; nothing was stopped`,
    {
      hint: `pass --db ${meta.db_name} to restore it as ${meta.db_name}, or --db ${meta.db_name} --as-db ${target} to replace ${target} with it`,
    },
  );
}

/**
 * Neo4j loads a dump of its own version or an older one, never a newer one (a 2025.x dump into
 * 5.26 fails half way, after the stop): compared by major and minor, from the sidecar.
 */
export function checkDumpVersion(
  meta: Pick<BackupMeta, "neo4j"> | undefined,
  inst: Neo4jInstallation,
): RestorePreflight["version"] {
  const target = inst.version.raw;
  const match = /^(\d+)\.(\d+)/.exec(meta?.neo4j?.version ?? "");
  if (!match) return { target, loadable: "unknown" };
  const [major, minor] = [Number(match[1]), Number(match[2])];
  const newer =
    major > inst.version.major || (major === inst.version.major && minor > inst.version.minor);
  if (newer)
    throw new NbsError(
      "RESTORE_VERSION_INCOMPATIBLE",
      `the dump was taken with Neo4j ${meta!.neo4j!.version}; Neo4j ${target} at ${inst.home} cannot load a dump of a newer version; nothing was stopped`,
      {
        hint: `restore onto Neo4j ${major}.${minor} or later, or pick a backup taken with ${target} or older (nbs-verify list shows each one's version)`,
      },
    );
  return { dump: meta!.neo4j!.version, target, loadable: "yes" };
}

/** Free bytes where `dir` is (its nearest existing parent when it does not exist yet). */
export async function freeBytesAt(dir: string): Promise<number> {
  for (let at = dir; ; at = dirname(at)) {
    try {
      const stats = await statfs(at);
      return stats.bavail * stats.bsize;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || dirname(at) === at) throw error;
    }
  }
}

/** The data directory has room for the loaded store: dump size × {@link RESTORE_SPACE_FACTOR}. */
export async function checkFreeSpace(
  dataDir: string,
  dumpBytes: number,
  freeBytes: (dir: string) => Promise<number>,
): Promise<RestorePreflight["space"]> {
  const free = await freeBytes(dataDir);
  const needed = dumpBytes * RESTORE_SPACE_FACTOR;
  const space = {
    data_dir: dataDir,
    free_bytes: free,
    needed_bytes: needed,
    factor: RESTORE_SPACE_FACTOR,
  };
  if (free < needed)
    throw new NbsError(
      "RESTORE_DISK_SPACE_LOW",
      `the data directory ${dataDir} has ${free} bytes free; restoring a ${dumpBytes}-byte dump needs ${RESTORE_SPACE_FACTOR}× that (${needed} bytes); nothing was stopped`,
      { hint: "free space on the data directory's filesystem, then restore again" },
    );
  return space;
}

/** The size the dump has on disk before the load: the uncompressed size when stored compressed. */
export function dumpBytesOf(meta: BackupMeta | undefined, storedSize: number): number {
  return meta?.compression?.original_size ?? storedSize;
}
