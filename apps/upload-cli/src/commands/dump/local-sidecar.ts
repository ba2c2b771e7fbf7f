import { serializeBackupMeta, type BackupMeta } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import { link, rename, rm, writeFile } from "node:fs/promises";

/**
 * Write `<dump>.meta.json` to a temp name and rename it, so a half-written sidecar never sits
 * next to a dump. On failure neither is left behind (a dump without its sidecar is not what
 * `dump` promises).
 */
export async function writeLocalSidecar(dumpPath: string, meta: BackupMeta): Promise<string> {
  const sidecar = `${dumpPath}.meta.json`;
  try {
    await writeFile(`${sidecar}.tmp`, serializeBackupMeta(meta), { mode: 0o640 });
    await rename(`${sidecar}.tmp`, sidecar);
    return sidecar;
  } catch (error) {
    await rm(`${sidecar}.tmp`, { force: true });
    await rm(dumpPath, { force: true });
    throw localWriteError(error, `the local sidecar of ${dumpPath}`, "the dump was removed");
  }
}

/**
 * Write a file that must not replace another (a set's manifest, its commit): a temp file, then
 * a hard link to the final name, which fails when the name exists.
 */
export async function writeNewFile(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text, { mode: 0o640 });
    await link(tmp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      throw new NbsError("KEY_CONFLICT", `${path} exists already; not replaced`, {
        hint: "another run committed a set in the same second; take the set again",
        cause: error,
      });
    throw localWriteError(error, path, "the set was not committed");
  } finally {
    await rm(tmp, { force: true });
  }
}

function localWriteError(error: unknown, what: string, consequence: string): NbsError {
  const code = (error as NodeJS.ErrnoException).code;
  return new NbsError(
    code === "ENOSPC" ? "DISK_FULL" : "LOCAL_WRITE_FAILED",
    `cannot write ${what}: ${code === "ENOSPC" ? "no space left (ENOSPC)" : code}; ${consequence}`,
    { hint: "free space in --out-dir (or use another) and take the backup again", cause: error },
  );
}
