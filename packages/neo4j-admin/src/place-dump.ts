import { link, open, rename, unlink } from "node:fs/promises";
import { NbsError } from "@nbs/errors";

/** The filesystem calls placeDump makes; a test passes a `link` that fails like vfat's. */
export interface PlaceDumpFs {
  link: (existing: string, target: string) => Promise<void>;
  reserve: (target: string) => Promise<void>;
  rename: (from: string, to: string) => Promise<void>;
  unlink: (path: string) => Promise<void>;
}

const nodeFs: PlaceDumpFs = {
  link,
  // O_CREAT|O_EXCL: fails with EEXIST if anything is at `target`, else creates it empty.
  reserve: async (target) => (await open(target, "wx")).close(),
  rename,
  unlink,
};

/** link() answers these where the filesystem has no hard links (vfat, exFAT, SMB, s3fs…). */
const NO_HARD_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"]);

/**
 * Move the finished dump `produced` to `target` without ever replacing an existing file: a hard
 * link (atomic, refuses an existing target), or where the filesystem has none, an exclusive
 * create of `target` (the name is then this run's) and a rename over that empty placeholder.
 */
export async function placeDump(
  produced: string,
  target: string,
  fs: PlaceDumpFs = nodeFs,
): Promise<void> {
  try {
    await fs.link(produced, target);
    await fs.unlink(produced);
    return;
  } catch (error) {
    if (code(error) === "EEXIST") throw dumpExists(target, error);
    if (!NO_HARD_LINKS.has(code(error) ?? "")) throw error;
  }
  await fs.reserve(target).catch((error: unknown) => {
    throw code(error) === "EEXIST" ? dumpExists(target, error) : error;
  });
  try {
    await fs.rename(produced, target);
  } catch (error) {
    await fs.unlink(target).catch(() => undefined); // the empty placeholder this run created
    throw error;
  }
}

function code(error: unknown): string | undefined {
  return error instanceof Error && "code" in error ? String(error.code) : undefined;
}

function dumpExists(target: string, cause: unknown): NbsError {
  return new NbsError("DUMP_EXISTS", `${target} already exists`, {
    hint: "remove it or dump into another directory",
    cause,
  });
}
