import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { logEvents } from "./log-events.ts";

// Runs this checkout's built CLIs (and scripts/neo4j/*.sh) as an operator would: a separate
// process that sees only the env a test gives it. One copy for every package's tests.

/** The repository root, with a trailing slash. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const CLIS = {
  "@nbs/upload-cli": `${REPO_ROOT}apps/upload-cli/dist/cli.js`,
  "@nbs/verify-cli": `${REPO_ROOT}apps/verify-cli/dist/cli.js`,
} as const;

export type CliPackage = keyof typeof CLIS;

/** The built entry point (`dist/cli.js`) of a CLI package; run `pnpm turbo run build` first. */
export const cliPath = (pkg: CliPackage): string => CLIS[pkg];

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The JSON log events written on stderr. */
  events: Array<Record<string, unknown>>;
}

export interface RunOptions {
  /** Called with each stderr chunk as it arrives (to signal or kill the child mid-run). */
  onStderr?: (chunk: string, child: ChildProcess) => void;
  /** The working directory; the test's own by default. */
  cwd?: string;
}

/**
 * Run `file` with only `env` plus PATH, HOME, NBS_LOG_FORMAT=json, and JAVA_HOME and JAVA_OPTS
 * when set. JAVA_OPTS carries the test command's JVM flags (tooling/dev.sh: C1 only, the serial
 * collector, the CDS archive) to every JVM the CLI starts, as tooling/automation does for the act
 * runs: a Neo4j start costs about 5 CPU-s with them and 13 without (docs/ci-time.md). Set, JAVA_OPTS
 * is the whole option list of the JVMs Neo4j's bootloader spawns: the conf's heap sizes and
 * `server.jvm.additional` do not apply then. The product's own heap settings for its throwaway
 * instance are exercised where no JAVA_OPTS is set: the containers leg's verify in a container.
 */
export function runProgram(
  file: string,
  args: readonly string[],
  env: Record<string, string>,
  options: RunOptions = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const base: Record<string, string> = {
      PATH: process.env["PATH"] ?? "",
      HOME: process.env["HOME"] ?? "/tmp",
      NBS_LOG_FORMAT: "json",
    };
    for (const name of ["JAVA_HOME", "JAVA_OPTS"]) {
      const value = process.env[name];
      if (value) base[name] = value;
    }
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: { ...base, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
      options.onStderr?.(c.toString(), child);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      resolve({ code, signal, stdout, stderr, events: logEvents(stderr) });
    });
  });
}

/** Run the built nbs-upload or nbs-verify. */
export const runCli = (
  pkg: CliPackage,
  args: readonly string[],
  env: Record<string, string>,
  options: RunOptions = {},
): Promise<CliRun> => runProgram(process.execPath, [cliPath(pkg), ...args], env, options);

type OnStderr = RunOptions["onStderr"];

/** The built nbs-upload. */
export const upload = (
  args: readonly string[],
  env: Record<string, string>,
  options: RunOptions = {},
): Promise<CliRun> => runCli("@nbs/upload-cli", args, env, options);

/** The built nbs-verify, run from the repository root. */
export const verify = (
  args: readonly string[],
  env: Record<string, string>,
  onStderr?: OnStderr,
): Promise<CliRun> => runCli("@nbs/verify-cli", args, env, { cwd: REPO_ROOT, onStderr });

/** One of scripts/neo4j/*.sh, which find the built CLIs of this checkout. */
export const script = (
  name: string,
  args: readonly string[],
  env: Record<string, string>,
  onStderr?: OnStderr,
): Promise<CliRun> =>
  runProgram("bash", [`${REPO_ROOT}scripts/neo4j/${name}`, ...args], env, {
    cwd: REPO_ROOT,
    onStderr,
  });
