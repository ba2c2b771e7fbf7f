/** Options for one process run. `env` entries are added on top of the runner's base environment. */
export interface RunOptions {
  env?: Readonly<Record<string, string>>;
  cwd?: string;
  /** Kill the process (SIGTERM, then SIGKILL) after this many milliseconds. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * JVM flags for a short-lived Java tool, put in `JDK_JAVA_OPTIONS` ahead of what the
   * environment holds there (see child-env.ts). The java launcher reads it in every JVM, the
   * tool's bootloader and the JVM it spawns alike.
   */
  jvmFlags?: readonly string[];
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
  /** Start a process whose stdout is read as a stream (e.g. `dump --to-stdout`); see spawn-stream.ts. */
  stream?(file: string, args: readonly string[], options?: RunOptions): StreamingProcess;
}

/** A running process whose stdout is handed over as a stream. */
export interface StreamingProcess {
  stdout: AsyncIterable<Buffer>;
  /** Settles once the process ended (never rejects): how it ended, and the tail of its stderr. */
  exit: Promise<StreamExit>;
  /** SIGTERM, then SIGKILL after the runner's grace period. */
  kill(): void;
}

export interface StreamExit {
  /** `null` when it ended by a signal or never started. */
  exitCode: number | null;
  stderr: string;
  timedOut: boolean;
  /** The caller's signal ended it. */
  aborted: boolean;
  /** It could not be started. */
  error?: Error;
}
