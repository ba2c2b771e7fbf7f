import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { baseEnv, repoRoot, run, type Run } from "./run.ts";

const ACT_PIN = /^ACT_PIN="([^"]+)"/m.exec(
  readFileSync(join(repoRoot, "tooling/automation/tools.sh"), "utf8"),
)?.[1];
const STAND_INS = join(repoRoot, "tooling/automation/actions");

const runDirs: string[] = [];

/** Removes every run's temp dir (workspace copy, artifacts); call once the tests are done. */
export function removeActRuns(): void {
  for (const dir of runDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface ActRun extends Run {
  /** Where the upload-artifact stand-in put each artifact: <dir>/<name>/ and <name>.json. */
  artifacts: string;
}

/**
 * Every `uses: owner/repo@sha` of the workflow, pointed at its stand-in under
 * tooling/automation/actions/<repo>; actions/checkout is left to act (it copies the checkout).
 */
function localRepositories(workflow: string): string[] {
  const text = readFileSync(join(repoRoot, workflow), "utf8");
  const uses = new Set(
    [...text.matchAll(/uses:\s*([\w.-]+\/[\w.-]+@[0-9a-f]{40})/g)].map((m) => m[1]!),
  );
  return [...uses]
    .filter((u) => !u.startsWith("actions/checkout@"))
    .flatMap((u) => [
      "--local-repository",
      `${u}=${join(STAND_INS, u.split("@")[0]!.split("/")[1]!)}`,
    ]);
}

/**
 * Run a workflow with act v0.2.89 in host mode (no containers): `ubuntu-latest` and
 * `extraLabels` run on this machine. The environment is exactly `env` plus PATH/HOME: the
 * host environment leaks into every step, so whatever is not given here is not there.
 * Secrets go through a 0600 file, never the command line.
 */
export async function runAct(options: {
  workflow: string;
  event: "workflow_dispatch" | "schedule" | "push";
  /** The event's payload (act's `-e`), e.g. `{ ref: "refs/tags/v1.2.3" }` for a push. */
  payload?: Record<string, unknown>;
  /** Only this job (act's `-j`) and the jobs it needs. */
  job?: string;
  /** act's `-v`: also its debug lines, e.g. "Skipping step '<name>' due to '<if>'". */
  verbose?: boolean;
  /** act's `-n`: evaluate every job and step condition, run nothing. */
  dryRun?: boolean;
  inputs?: Record<string, string>;
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  env?: Record<string, string>;
  extraLabels?: string[];
}): Promise<ActRun> {
  if (!ACT_PIN) throw new Error("no ACT_PIN in tooling/automation/tools.sh");
  const cache = process.env["NBS_CACHE_DIR"] ?? join(homedir(), ".cache/nbs");
  const act = join(cache, "act", ACT_PIN, "bin/act");
  const dir = mkdtempSync(join(tmpdir(), "nbs-act-"));
  runDirs.push(dir);
  // act's workspace copies and action copies, per run instead of a shared ~/.cache/act
  const actCache = join(dir, "act-cache");
  const artifacts = join(dir, "artifacts");
  const secretFile = join(dir, "secrets.env");
  writeFileSync(
    secretFile,
    Object.entries(options.secrets ?? {})
      .map(([k, v]) => `${k}=${v}\n`)
      .join(""),
    { mode: 0o600 },
  );
  const eventFile = join(dir, "event.json");
  if (options.payload) writeFileSync(eventFile, JSON.stringify(options.payload));
  const args = [
    options.event,
    "-W",
    options.workflow,
    ...(options.payload ? ["-e", eventFile] : []),
    ...(options.job ? ["-j", options.job] : []),
    ...(options.verbose ? ["-v"] : []),
    ...(options.dryRun ? ["-n"] : []),
    "-P",
    "ubuntu-latest=-self-hosted",
    ...(options.extraLabels ?? []).flatMap((l) => ["-P", `${l}=-self-hosted`]),
    "--secret-file",
    secretFile,
    "--action-offline-mode",
    "--action-cache-path",
    actCache,
    ...localRepositories(options.workflow),
    ...Object.entries(options.inputs ?? {}).flatMap(([k, v]) => ["--input", `${k}=${v}`]),
    ...Object.entries(options.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}=${v}`]),
  ];
  try {
    const result = await run(
      act,
      args,
      {
        ...baseEnv(),
        NBS_ACT_ARTIFACTS: artifacts,
        // the copied checkout builds from the same turbo cache every run (outputs replayed)
        TURBO_CACHE_DIR: join(repoRoot, ".nbs/act-turbo-cache"),
        ...options.env,
      },
      { timeoutMs: 900_000 },
    );
    return { ...result, artifacts };
  } finally {
    rmSync(secretFile, { force: true });
    rmSync(actCache, { recursive: true, force: true });
  }
}
