import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
export const VERIFY_CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The JSON log events written on stderr. */
  events: Array<Record<string, unknown>>;
}

/** Run a program as an operator would: a separate process with only the env we give it (plus PATH/HOME/JAVA_HOME). */
function run(
  file: string,
  args: readonly string[],
  env: Record<string, string>,
  onStderr?: (chunk: string, child: ChildProcess) => void,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const base: Record<string, string> = {
      PATH: process.env["PATH"] ?? "",
      HOME: process.env["HOME"] ?? "/tmp",
      NBS_LOG_FORMAT: "json",
    };
    if (process.env["JAVA_HOME"]) base["JAVA_HOME"] = process.env["JAVA_HOME"];
    const child = spawn(file, args, {
      cwd: REPO,
      env: { ...base, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
      onStderr?.(c.toString(), child);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const events = stderr
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ code, stdout, stderr, events });
    });
  });
}

/** The built nbs-verify. */
export const verify = (
  args: readonly string[],
  env: Record<string, string>,
  onStderr?: (chunk: string, child: ChildProcess) => void,
) => run(process.execPath, [VERIFY_CLI, ...args], env, onStderr);

/** One of scripts/neo4j/*.sh, which find the built CLIs of this checkout. */
export const script = (
  name: string,
  args: readonly string[],
  env: Record<string, string>,
  onStderr?: (chunk: string, child: ChildProcess) => void,
) => run("bash", [`${REPO}scripts/neo4j/${name}`, ...args], env, onStderr);
