import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A real small filesystem for disk-fault tests (ENOSPC when full, EROFS when read-only): needs
 * root. Outside CI the tests that need one are skipped when not root; in CI (CI=true) they run
 * and fail loudly if the mount is refused.
 */
export const tmpfsAvailable: boolean = process.getuid?.() === 0 || process.env["CI"] === "true";

export interface Tmpfs {
  dir: string;
  remove(): void;
}

/** Mount a tmpfs of `size` (e.g. "2m") on a new temp dir; `readOnly` mounts it read-only. */
export function mountTmpfs(size: string, readOnly = false): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), "nbs-tmpfs-"));
  try {
    execFileSync("mount", [
      "-t",
      "tmpfs",
      "-o",
      `size=${size},mode=0755${readOnly ? ",ro" : ""}`,
      "tmpfs",
      dir,
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot mount a tmpfs on ${dir} (needs root)`, { cause: error });
  }
  return {
    dir,
    remove() {
      execFileSync("umount", [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
