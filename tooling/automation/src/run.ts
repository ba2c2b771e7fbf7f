import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root: this file lives at tooling/automation/src/. */
export const repoRoot: string = fileURLToPath(new URL("../../../", import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run a program with exactly `env` (nothing inherited), in the repository root unless `cwd`
 * says otherwise, and collect its output.
 */
export function run(
  file: string,
  args: readonly string[],
  env: Record<string, string>,
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd ?? repoRoot,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: options.timeoutMs ?? 600_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * PATH, HOME, JAVA_HOME and JAVA_OPTS of this process: what any tool needs, and no more.
 * JAVA_OPTS carries the test command's JVM flags (tooling/dev.sh: C1 only, serial GC) to the
 * Neo4j starts and neo4j-admin calls of the act runs, as to every other JVM of the tests.
 */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: process.env["HOME"] ?? "/tmp",
  };
  for (const name of ["JAVA_HOME", "JAVA_OPTS", "NBS_CACHE_DIR"]) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  return env;
}
