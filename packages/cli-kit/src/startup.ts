// A namespace import: it links on any Node, so an old one reaches the version check below instead
// of failing with "does not provide an export named 'enableCompileCache'".
import * as nodeModule from "node:module";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/**
 * What each CLI's entry file does before the rest of it loads, and the CLIs' only contact with
 * the process itself (signal handlers, `process.exit`): {@link startCli}. Import this module
 * alone (`@nbs/cli-kit/startup`): it must stay loadable on any Node version.
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

/** Streams a CLI writes to: results (`--json`, help) on stdout, logs and usage errors on stderr. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { columns?: number };
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
}

/**
 * A CLI's `main`: parse, run, return the exit code; never exits. `interrupt` is aborted (reason:
 * the signal's name) on the first SIGINT/SIGTERM.
 */
export type CliMain = (
  argv: string[],
  env: Record<string, string | undefined>,
  io: CliIo,
  interrupt?: AbortSignal,
) => Promise<number>;

/**
 * The whole bin entry of a CLI: refuse an old Node (one line, exit 2) and turn on the compile
 * cache before `load` imports the rest, run `main` on this process's arguments, environment and
 * streams, and exit with its code. The first SIGINT/SIGTERM aborts `main`'s interrupt signal (the
 * work stops and cleans up, exit 130); a second one exits at once with 130. The only
 * `process.exit` of nbs is here.
 */
export async function startCli(
  program: string,
  load: () => Promise<{ main: CliMain }>,
): Promise<never> {
  // Before main is imported: on an old Node, main's chunks would fail to load with a less helpful error.
  const tooOld = unsupportedNode(program);
  if (tooOld) {
    process.stderr.write(`${tooOld}\n`);
    process.exit(2); // a configuration error (exit codes: README)
  }
  // Also before main, so main's chunks come from the code cache (see enableUserCompileCache).
  enableUserCompileCache();
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupt.signal.aborted) process.exit(130); // the second Ctrl-C: stop waiting for cleanup
    interrupt.abort(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const { main } = await load();
  const code = await main(
    process.argv.slice(2),
    process.env,
    { stdout: process.stdout, stderr: process.stderr },
    interrupt.signal,
  );
  // After the final event has been written (main flushes the logger before it returns).
  process.exit(code);
}
