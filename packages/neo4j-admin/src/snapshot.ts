import { constants } from "node:fs";
import { cp, lstat, mkdir, readdir, rm, statfs } from "node:fs/promises";
import { join } from "node:path";
import { NbsError } from "@nbs/errors";
import { assertEphemeralHome, createEphemeralHome } from "./ephemeral-home.js";
import { readHomeConf } from "./home-conf.js";
import type { Neo4jInstallation } from "./installation.js";

/**
 * How a stopped store is copied: `copy` always copies the bytes, `reflink` clones them (XFS,
 * btrfs; fails elsewhere), `auto` clones where the filesystem can and copies elsewhere
 * (`cp --reflink=auto`).
 */
export type SnapshotMode = "copy" | "reflink" | "auto";

export interface SnapshotOptions {
  mode: SnapshotMode;
  /** Where the copy is made (a private directory inside, removed on every path). */
  stagingDir: string;
  /** Free space required beyond the store's size. Default 256 MiB. */
  marginBytes?: number;
}

/** How the files were copied: cloned (FICLONE: shared extents, no bytes copied) or copied. */
export type SnapshotMethod = "reflink" | "copy";

/** A snapshot planned while the server still runs: sized, space checked, private home made. */
export interface PreparedSnapshot {
  /** Bytes of the database's store and transaction-log directories. */
  storeBytes: number;
  /** How take() copied the store; undefined before it succeeded. */
  readonly method: SnapshotMethod | undefined;
  /** Copy the stopped store into the private home; returns the installation that reads it. */
  take(): Promise<Neo4jInstallation>;
  /** Remove the copy and its home; safe to call more than once and after a failed take. */
  dispose(): Promise<void>;
}

const MiB = 1024 * 1024;

/** Where a database keeps its store and its transaction logs. */
async function storeDirectories(
  inst: Neo4jInstallation,
  db: string,
): Promise<{ store: string; transactions: string }> {
  const conf = await readHomeConf(inst);
  return {
    store: join(conf.dataDir, "databases", db),
    transactions: join(conf.transactionLogsRoot, db),
  };
}

/** Bytes of the regular files under `dir` (0 when it does not exist). */
async function directoryBytes(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [];
      throw error;
    },
  );
  let total = 0;
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    total += (await lstat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/** Bytes of a database's store and transaction-log directories (what a snapshot copies). */
export async function databaseStoreBytes(inst: Neo4jInstallation, db: string): Promise<number> {
  const dirs = await storeDirectories(inst, db);
  return (await directoryBytes(dirs.store)) + (await directoryBytes(dirs.transactions));
}

/**
 * Before the stop: size the database's store and transaction logs, refuse
 * (SNAPSHOT_DISK_SPACE_LOW) when the staging directory has less free space than that plus the
 * margin, and make the private home (own neo4j.conf, data inside it) the copy goes into — so
 * nothing about the copy can fail for a reason known beforehand while the server is down.
 */
export async function prepareSnapshot(
  inst: Neo4jInstallation,
  db: string,
  options: SnapshotOptions,
): Promise<PreparedSnapshot> {
  const dirs = await storeDirectories(inst, db);
  const storeBytes = await databaseStoreBytes(inst, db);
  const marginBytes = options.marginBytes ?? 256 * MiB;
  const free = await statfs(options.stagingDir).then(
    (fs) => fs.bavail * fs.bsize,
    (error: NodeJS.ErrnoException) => {
      throw new NbsError(
        "SNAPSHOT_DISK_SPACE_LOW",
        `cannot use the snapshot directory ${options.stagingDir}: ${error.code ?? error.message}`,
        { hint: "pass an existing, writable --snapshot-dir; Neo4j was not stopped", cause: error },
      );
    },
  );
  if (free < storeBytes + marginBytes) {
    throw new NbsError(
      "SNAPSHOT_DISK_SPACE_LOW",
      `the snapshot directory ${options.stagingDir} has ${mib(free)} MiB free; the copy of ${db} needs ${mib(storeBytes)} MiB + ${mib(marginBytes)} MiB margin`,
      {
        hint: "free space there, pass another --snapshot-dir, or dump without --snapshot; Neo4j was not stopped",
      },
    );
  }
  const { home, token } = await createEphemeralHome({
    installDir: inst.home,
    family: inst.version.family,
    tmpRoot: options.stagingDir,
    // Never started: the ports are only written into its neo4j.conf.
    boltPort: 0,
    httpPort: 0,
    database: db,
  });
  const copy: Neo4jInstallation = { ...inst, home, confDir: join(home, "conf") };
  const target = await storeDirectories(copy, db);
  let disposed = false;
  let method: SnapshotMethod | undefined;
  return {
    storeBytes,
    get method() {
      return method;
    },
    async take() {
      const pairs = [
        [dirs.store, target.store],
        [dirs.transactions, target.transactions],
      ] as const;
      const copyAll = async (flags: number) => {
        for (const [from, to] of pairs) {
          await mkdir(join(to, ".."), { recursive: true });
          await cp(from, to, { recursive: true, mode: flags, preserveTimestamps: true });
        }
      };
      try {
        if (options.mode === "copy") {
          await copyAll(0);
          method = "copy";
        } else {
          // `auto` is `cp --reflink=auto`: clone (FICLONE) where the filesystem can, else copy.
          // Cloning is forced first so that which one happened is known, not guessed.
          const cloned = await copyAll(constants.COPYFILE_FICLONE_FORCE).then(
            () => true,
            (error: NodeJS.ErrnoException) => {
              if (options.mode === "reflink" || !cannotClone(error)) throw error;
              return false;
            },
          );
          if (!cloned) {
            for (const [, to] of pairs) await rm(to, { recursive: true, force: true });
            await copyAll(0);
          }
          method = cloned ? "reflink" : "copy";
        }
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new NbsError(
          code === "ENOSPC" ? "DISK_FULL" : "SNAPSHOT_COPY_FAILED",
          `cannot copy the stopped store of ${db} to ${options.stagingDir}: ${code ?? (error as Error).message}`,
          {
            hint:
              options.mode === "reflink"
                ? "--snapshot reflink needs a filesystem that clones files (XFS, btrfs): use --snapshot auto; Neo4j was started again"
                : "free space in --snapshot-dir or use another one; Neo4j was started again",
            cause: error,
          },
        );
      }
      return copy;
    },
    async dispose() {
      if (disposed) return;
      await assertEphemeralHome(home, token);
      await rm(home, { recursive: true, force: true });
      disposed = true;
    },
  };
}

/** The errors of a clone the filesystem (or the pair of filesystems) cannot do. */
function cannotClone(error: NodeJS.ErrnoException): boolean {
  return ["ENOTSUP", "EOPNOTSUPP", "EXDEV", "EINVAL", "ENOSYS", "ENOTTY"].includes(
    error.code ?? "",
  );
}

function mib(bytes: number): number {
  return Math.ceil(bytes / MiB);
}
