import type { EphemeralNeo4j } from "@nbs/testenv";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { script, verify, type CliRun as Run } from "@nbs/testenv/run-cli";

// What the load-proof suites (proofs, schema) do to their source DBMS: back it up with backup.sh
// and load a dump with `nbs-verify --mode load`, each run kept (so a suite can check that none
// printed the password) and each in a scratch directory of its own.

/** backup.sh and `nbs-verify --mode load` against `source()`; `removeScratch()` after all. */
export function loadRuns(suite: string, source: () => EphemeralNeo4j) {
  const runs: Run[] = [];
  const dirs: string[] = [];
  const scratch = () => {
    const dir = mkdtempSync(join(tmpdir(), `nbs-verify-${suite}-integ-`));
    dirs.push(dir);
    return dir;
  };

  /** backup.sh of the source's neo4j database: the dump's path (the run must succeed). */
  async function backup(): Promise<string> {
    const { home, uri, password } = source();
    const run = await script(
      "backup.sh",
      ["--db", "neo4j", "--out-dir", scratch(), "--neo4j-home", home, "--json"],
      { NEO4J_URI: uri, NEO4J_PASSWORD: password },
    );
    runs.push(run);
    expect(run.code, run.stderr).toBe(0);
    return (JSON.parse(run.stdout) as { file: string }).file;
  }

  /** `nbs-verify --file <file> --mode load` with the source's installation. */
  async function verifyLoad(file: string, extra: string[] = []): Promise<Run> {
    const run = await verify(
      [
        "--file",
        file,
        "--mode",
        "load",
        "--neo4j-home",
        source().home,
        "--work-dir",
        scratch(),
        "--json",
        ...extra,
      ],
      {},
    );
    runs.push(run);
    return run;
  }

  const removeScratch = () => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  return { runs, scratch, backup, verifyLoad, removeScratch };
}

/** The sidecar beside `file`, as `T` says it is shaped. */
export const sidecarOf = <T>(file: string) =>
  JSON.parse(readFileSync(`${file}.meta.json`, "utf8")) as T & Record<string, unknown>;
