// A namespace import: it links on any Node, so an old one reaches the version check below instead
// of failing with "does not provide an export named 'enableCompileCache'".
import * as nodeModule from "node:module";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/**
 * What each CLI's entry file does before the rest of it loads. Import this module alone
 * (`@nbs/cli-kit/startup`): it must stay loadable on any Node version.
 */

/** The oldest Node the CLIs run on (as `engines` in every package.json says). */
export const MINIMUM_NODE = "22.12.0";

/**
 * A one-line error when `version` (default: this process's) is older than {@link MINIMUM_NODE},
 * else undefined. The caller prints it and exits with 2 (a configuration error).
 */
export function unsupportedNode(
  cli: string,
  version: string = process.versions.node,
): string | undefined {
  // parseInt: a pre-release or nightly suffix ("22.12.0-pre") counts as its release.
  const have = version
    .replace(/^v/, "")
    .split(".")
    .map((part) => Number.parseInt(part, 10));
  const need = MINIMUM_NODE.split(".").map(Number);
  for (let i = 0; i < need.length; i++) {
    const diff = (have[i] ?? 0) - need[i]!;
    if (diff > 0) return undefined;
    if (diff < 0 || Number.isNaN(diff)) {
      return (
        `${cli}: needs Node.js ${MINIMUM_NODE} or newer, this is v${version.replace(/^v/, "")}; ` +
        "install a current LTS (in the nbs repository: source tooling/bootstrap.sh && nbs_bootstrap)"
      );
    }
  }
  return undefined;
}

/**
 * V8's code cache on disk, so later runs skip compiling the CLI bundle (≈ 40 ms). Kept in the
 * user's own cache directory (`$XDG_CACHE_HOME` or `~/.cache`, then `nbs/node-compile-cache`),
 * not Node's default in the shared `$TMPDIR`, where another local user could plant entries.
 * `NODE_COMPILE_CACHE=dir` moves it and `NODE_DISABLE_COMPILE_CACHE=1` turns it off (Node reads
 * both itself). Never fails a run: where the directory cannot be made, nothing is cached.
 */
export function enableUserCompileCache(env: NodeJS.ProcessEnv = process.env): void {
  if (env["NODE_COMPILE_CACHE"] || env["NODE_DISABLE_COMPILE_CACHE"]) return;
  try {
    const xdg = env["XDG_CACHE_HOME"];
    const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".cache");
    nodeModule.enableCompileCache(join(base, "nbs", "node-compile-cache"));
  } catch {
    // No home directory, a read-only one: run without the cache.
  }
}
