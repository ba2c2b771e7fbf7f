import { chmod, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** A private directory (mode 0700) for one verification: the download and the ephemeral Neo4j home. */
export interface Workspace {
  readonly dir: string;
  /** Delete it. Safe to call more than once. */
  remove(): Promise<void>;
}

export async function createWorkspace(parent: string = tmpdir()): Promise<Workspace> {
  const dir = await realpath(await mkdtemp(join(resolve(parent), "nbs-verify-")));
  await chmod(dir, 0o700);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Remove a directory and what it holds, ignoring any error: for cleanup that must not mask another failure. */
export function deleteQuietly(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true }).catch(() => undefined);
}
