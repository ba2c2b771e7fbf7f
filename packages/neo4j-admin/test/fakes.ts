import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";
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

/** A directory shaped like a Neo4j installation: executable bin scripts and lib jars. */
export async function fakeInstall(jars: string[] = ["neo4j-kernel-5.26.30.jar"]): Promise<string> {
  const home = await tempDir("nbs-fake-neo4j-");
  await mkdir(join(home, "bin"));
  await mkdir(join(home, "lib"));
  await mkdir(join(home, "conf"));
  for (const script of ["neo4j", "neo4j-admin"]) {
    await writeFile(join(home, "bin", script), "#!/bin/sh\nexit 0\n");
    await chmod(join(home, "bin", script), 0o755);
  }
  for (const jar of jars) await writeFile(join(home, "lib", jar), "");
  return home;
}

export const basename = (file: string): string => file.split("/").at(-1) ?? file;

/** A temp directory removed when the current test finishes. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
