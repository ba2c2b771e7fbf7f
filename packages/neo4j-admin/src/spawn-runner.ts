import { spawn } from "node:child_process";
import { NbsError } from "@nbs/errors";
import type { ProcessRunner, RunOptions, RunResult } from "./runner.js";
import { childEnv } from "./child-env.js";
import { spawnStreaming } from "./spawn-stream.js";
import { TailBuffer } from "./tail-buffer.js";
import { watchTermination } from "./termination.js";

export interface SpawnRunnerOptions {
  /** Base environment for every child (an app passes `process.env`); libraries never read it. */
  env: Readonly<Record<string, string | undefined>>;
  /** Output kept per stream; older bytes are dropped so memory stays bounded. Default 1 MiB. */
  maxOutputBytes?: number;
  /** Wait between SIGTERM and SIGKILL on timeout or abort. Default 10 s. */
  killGraceMs?: number;
}

/** The default {@link ProcessRunner}, on `child_process.spawn` (no shell). */
export function createSpawnRunner(options: SpawnRunnerOptions): ProcessRunner {
  const maxBytes = options.maxOutputBytes ?? 1024 * 1024;
  const graceMs = options.killGraceMs ?? 10_000;
  return {
    run: (file, args, runOptions = {}) =>
      runOnce(file, args, runOptions, options.env, maxBytes, graceMs),
    stream: (file, args, runOptions = {}) =>
      spawnStreaming(file, args, runOptions, { env: options.env, maxBytes, graceMs }),
  };
}

function runOnce(
  file: string,
  args: readonly string[],
  options: RunOptions,
  baseEnv: Readonly<Record<string, string | undefined>>,
  maxBytes: number,
  graceMs: number,
): Promise<RunResult> {
  return new Promise<RunResult>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(abortError(file, options.signal.reason));
      return;
    }
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: childEnv(baseEnv, options),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdout = new TailBuffer(maxBytes);
    const stderr = new TailBuffer(maxBytes);
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));

    const ending = watchTermination((signal) => child.kill(signal), options, graceMs);
    child.on("error", (error) => {
      ending.settle();
      reject(error);
    });
    child.on("close", (code) => {
      ending.settle();
      if (ending.aborted) {
        reject(abortError(file, options.signal?.reason));
        return;
      }
      const timedOut = ending.timedOut;
      resolve({ exitCode: code, stdout: stdout.text(), stderr: stderr.text(), timedOut });
    });
  });
}

function abortError(file: string, reason: unknown): NbsError {
  return new NbsError("INTERRUPTED", `${file} was cancelled`, { cause: reason });
}
