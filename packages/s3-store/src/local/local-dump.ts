import { parseBackupMeta, type BackupMeta } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
// The subpath, not the package root: the root also loads neo4j-driver, which uploads never need.
import { detectDumpFormat, type DumpFormat } from "@nbs/neo4j-admin/dump-format";
import { constants } from "node:fs";
import { access, readFile, stat } from "node:fs/promises";

export interface LocalDump {
  path: string;
  size: number;
  mtime: Date;
  format: DumpFormat;
  /** `<file>.meta.json` written by backup.sh, when present. */
  localMeta: BackupMeta | undefined;
}

/** Step 1 of the protocol for the local side: everything is checked before any network call. */
export async function inspectLocalDump(path: string, allowAnyFile: boolean): Promise<LocalDump> {
  const st = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new NbsError(
      error.code === "ENOENT" ? "FILE_NOT_FOUND" : "FILE_UNREADABLE",
      `cannot read ${path}: ${error.code === "ENOENT" ? "no such file" : (error.code ?? error.message)}`,
      {
        hint: "check --file; backup.sh writes <db>-<yyyymmddThhmmssZ>.dump into its --out-dir",
        cause: error,
      },
    );
  });
  if (!st.isFile())
    throw new NbsError("NOT_A_FILE", `${path} is not a regular file`, {
      hint: "pass the dump file itself with --file",
    });
  if (st.size === 0)
    throw new NbsError("FILE_EMPTY", `${path} is empty`, {
      hint: "the dump failed or is still being written; take a new one",
    });
  await access(path, constants.R_OK).catch(() => {
    throw new NbsError("FILE_UNREADABLE", `${path} is not readable by this user`, {
      hint: "fix its permissions or run as the user that owns the dump",
    });
  });
  const format = await detectDumpFormat(path);
  if (format.kind === "unknown" && !allowAnyFile) {
    throw new NbsError(
      "NOT_A_DUMP",
      `${path} does not look like a Neo4j dump (starts with "${format.magic}")`,
      {
        hint: "pass a file made by neo4j-admin database dump, or --allow-any-file to upload it anyway",
      },
    );
  }
  return {
    path,
    size: st.size,
    mtime: st.mtime,
    format,
    localMeta: await readLocalMeta(`${path}.meta.json`),
  };
}

async function readLocalMeta(path: string): Promise<BackupMeta | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new NbsError(
      "SIDECAR_UNREADABLE",
      `cannot read local sidecar ${path}: ${(error as NodeJS.ErrnoException).code}`,
      { hint: "fix its permissions" },
    );
  }
  const result = parseBackupMeta(text);
  if (!result.ok) {
    throw new NbsError(
      "SIDECAR_INVALID",
      `local sidecar ${path} is invalid: ${result.errors.join("; ")}`,
      {
        hint: "take a fresh backup with backup.sh, or move the sidecar aside to upload without it",
      },
    );
  }
  return result.value;
}
