import { fakeNeo4jInstall } from "@nbs/testenv/doubles";
export { tempDir } from "@nbs/testenv/doubles";
import type { ProcessRunner, RunOptions, RunResult } from "../src/runner.js";

export interface RecordedRun {
  file: string;
  args: readonly string[];
  options: RunOptions;
}

export type FakeHandler = (run: RecordedRun) => Partial<RunResult> | Promise<Partial<RunResult>>;

/** A ProcessRunner that records calls and answers from `handler` (default: exit 0, no output). */
export function fakeRunner(
  handler: FakeHandler = () => ({}),
): ProcessRunner & { runs: RecordedRun[] } {
  const runs: RecordedRun[] = [];
  return {
    runs,
    async run(file, args, options = {}) {
      const run = { file, args, options };
      runs.push(run);
      const answer = await handler(run);
      return { exitCode: 0, stdout: "", stderr: "", timedOut: false, ...answer };
    },
  };
}

/** A directory shaped like a Neo4j installation whose bin scripts exit 0 (testenv's). */
export const fakeInstall = (jars?: string[]): string => fakeNeo4jInstall({ exitCode: 0, jars });

export const basename = (file: string): string => file.split("/").at(-1) ?? file;
