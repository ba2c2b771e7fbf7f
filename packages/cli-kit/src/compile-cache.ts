import { enableCompileCache } from "node:module";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/**
 * V8's code cache on disk, so later runs skip compiling the CLI bundle (≈ 40 ms). Kept in the
 * user's own cache directory (`$XDG_CACHE_HOME` or `~/.cache`, then `nbs/node-compile-cache`),
 * not Node's default in the shared `$TMPDIR`, where another local user could plant entries.
 * `NODE_COMPILE_CACHE=dir` moves it and `NODE_DISABLE_COMPILE_CACHE=1` turns it off (Node reads
 * both itself). Never fails a run: where the directory cannot be made, nothing is cached.
 * Import this module alone (`@nbs/cli-kit/compile-cache`) and call it before the rest loads.
 */
export function enableUserCompileCache(env: NodeJS.ProcessEnv = process.env): void {
  if (env["NODE_COMPILE_CACHE"] || env["NODE_DISABLE_COMPILE_CACHE"]) return;
  try {
    const xdg = env["XDG_CACHE_HOME"];
    const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".cache");
    enableCompileCache(join(base, "nbs", "node-compile-cache"));
  } catch {
    // No home directory, a read-only one: run without the cache.
  }
}
