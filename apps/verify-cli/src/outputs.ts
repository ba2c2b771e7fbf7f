import { createProgress, type CliLogger, type Level } from "@nbs/cli-kit";
import { NbsError } from "@nbs/errors";
import { appendFile } from "node:fs/promises";
import neo4j from "neo4j-driver";

/** `--summary-md`: appended (GitHub collects every step's summary in one file). */
export async function appendSummary(path: string, text: string): Promise<void> {
  await appendFile(path, text).catch((error: NodeJS.ErrnoException) => {
    throw new NbsError(
      "REPORT_NOT_WRITABLE",
      `cannot append the summary to ${path}: ${error.code ?? error.message}`,
      { hint: "pass a writable path with --summary-md" },
    );
  });
}

/** What a summary says of a run that failed with a known error: its code, message and hint. */
export function failureOf(error: NbsError): { code: string; message: string; hint?: string } {
  return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
}

/** A download's bar (on a terminal) or progress events, made on its first report. */
export function downloadProgress(options: {
  logger: CliLogger;
  event: string;
  tty?: NodeJS.WriteStream | undefined;
}) {
  const { logger, event, tty } = options;
  let progress: ReturnType<typeof createProgress> | undefined;
  return {
    update: (p: { bytes: number; total: number }): void => {
      progress ??= createProgress({ logger, event, total: p.total, ...(tty ? { tty } : {}) });
      progress.update(p.bytes);
    },
    done: (): void => progress?.done(),
  };
}

/** The events a command logs as warnings; every other one is info. */
export const levelOf =
  (warnings: ReadonlySet<string>) =>
  (event: string): Level =>
    warnings.has(event) ? "warn" : "info";

/** A Bolt driver to the operator's server: quiet, and a connection that hangs fails in 30 s. */
export function boltDriver(uri: string, user: string, password: string) {
  return neo4j.driver(uri, neo4j.auth.basic(user, password), {
    logging: { level: "error", logger: () => {} },
    connectionTimeout: 30_000,
  });
}
