import { spawn } from "node:child_process";
import { childEnv } from "./child-env.js";
import type { RunOptions, StreamExit, StreamingProcess } from "./runner.js";
import { TailBuffer } from "./tail-buffer.js";
import { watchTermination } from "./termination.js";

interface StreamingConfig {
  env: Readonly<Record<string, string | undefined>>;
  /** stderr kept (the tail); stdout is the caller's, never buffered here. */
  maxBytes: number;
  graceMs: number;
}

/**
 * Start a process (no shell) whose stdout the caller reads as a stream. The pipe applies
 * backpressure: a reader that stops reading pauses the writer. Timeout, abort and `kill` end its
 * whole process group (SIGTERM, then SIGKILL after the grace period); `exit` says how it ended
 * and never rejects.
 */
export function spawnStreaming(
  file: string,
  args: readonly string[],
  options: RunOptions,
  config: StreamingConfig,
): StreamingProcess {
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: childEnv(config.env, options),
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: Neo4j 5's neo4j-admin runs the dump in a child JVM that inherits
    // stdout and outlives a SIGTERM to its parent (observed with 5.26.30: the dump kept writing
    // to the end). Signalling the group stops both.
    detached: true,
  });
  const stderr = new TailBuffer(config.maxBytes);
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  let ended = false;
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (ended || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // ESRCH: the group is gone already.
    }
  };
  const ending = watchTermination(signalGroup, options, config.graceMs);

  const exit = new Promise<StreamExit>((resolve) => {
    // The process is gone: stop watching it, and say how it ended.
    const howItEnded = (): Omit<StreamExit, "exitCode"> => {
      ended = true;
      ending.settle();
      return { stderr: stderr.text(), timedOut: ending.timedOut, aborted: ending.aborted };
    };
    child.on("error", (error) => resolve({ exitCode: null, ...howItEnded(), error }));
    child.on("close", (code) => resolve({ exitCode: code, ...howItEnded() }));
  });
  // The reader gave up: stop the processes, and drop stdout so that nothing waits for it to drain.
  const kill = (): void => {
    ending.terminate();
    child.stdout.destroy();
  };
  return { stdout: child.stdout, exit, kill };
}
