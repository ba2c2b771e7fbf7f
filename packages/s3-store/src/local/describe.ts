import { isValidDbName, parseBackupFileName } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import { hostname, userInfo } from "node:os";
import { basename } from "node:path";
import type { LocalDump } from "./local-dump.js";

// What the local side says about a dump: its name in the bucket, its recorded sha256, its writer.

/** The database and dump time that name the key: deterministic for a given file. */
export function nameOf(
  options: { file: string; dbName?: string | undefined; createdAt?: Date | undefined },
  dump: LocalDump,
): { db: string; createdAt: Date } {
  const named = parseBackupFileName(basename(options.file));
  const db =
    options.dbName ??
    dump.localMeta?.db_name ??
    named?.db ??
    basename(options.file).replace(/\.dump$/, "");
  if (!isValidDbName(db)) {
    throw new NbsError("DB_NAME_INVALID", `cannot use ${JSON.stringify(db)} as a database name`, {
      hint: "pass --db-name (dbName)",
    });
  }
  const createdAt =
    options.createdAt ??
    named?.createdAt ??
    (dump.localMeta ? new Date(dump.localMeta.created_at) : dump.mtime);
  return { db, createdAt };
}

export function checkRecorded(actual: string, dump: LocalDump): void {
  const recorded = dump.localMeta?.sha256;
  if (recorded !== undefined && recorded !== actual) {
    throw new NbsError(
      "LOCAL_CHECKSUM_MISMATCH",
      `${dump.path} has sha256 ${actual.slice(0, 12)}… but its local sidecar recorded ${recorded.slice(0, 12)}…`,
      { hint: "the dump changed after backup.sh wrote it; take a fresh backup" },
    );
  }
}

/** `user@host` from the OS (never the environment); callers in CI pass their own. */
export function localUser(): string {
  let user = "unknown";
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers)
  }
  return `${user}@${hostname()}`.slice(0, 200);
}
