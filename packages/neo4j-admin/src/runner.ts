/** Options for one process run. `env` entries are added on top of the runner's base environment. */
export interface RunOptions {
  env?: Readonly<Record<string, string>>;
  cwd?: string;
  /** Kill the process (SIGTERM, then SIGKILL) after this many milliseconds. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface RunResult {
  /** `null` when the process ended by a signal (e.g. killed on timeout). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs one process to completion. Resolves for any exit code (callers decide what is a
 * failure), rejects when the process cannot be started or the signal aborts it.
 */
export interface ProcessRunner {
  run(file: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
}
