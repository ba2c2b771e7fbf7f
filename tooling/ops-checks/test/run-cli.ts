import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** The built CLI of a workspace package, found through its package.json `bin`. */
function cliPath(pkg: "@nbs/upload-cli" | "@nbs/verify-cli"): string {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin } = require(manifest) as { bin: Record<string, string> };
  return join(dirname(manifest), Object.values(bin)[0]!);
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run nbs-upload or nbs-verify as an operator would: its own process, only the env given. */
export function runCli(
  pkg: "@nbs/upload-cli" | "@nbs/verify-cli",
  args: readonly string[],
  env: Record<string, string>,
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliPath(pkg), ...args],
      {
        env: {
          PATH: process.env["PATH"] ?? "",
          HOME: process.env["HOME"] ?? "/tmp",
          NBS_LOG_FORMAT: "json",
          ...env,
        },
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
