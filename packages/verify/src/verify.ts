import { ERROR_CODES, NbsError, isNbsError, type NbsErrorCode } from "@nbs/errors";
import {
  runNeo4jCommand,
  serverCommand,
  type EphemeralInstance,
  type ProcessRunner,
} from "@nbs/neo4j-admin";
import { basename, join } from "node:path";
import { describeFailures, failedChecks, matchedReference, short, type Check } from "./checks.js";
import { restoreAndProve } from "./ephemeral-load.js";
import type { VerifyEventSink } from "./events.js";
import { fetchAndProve, type Digests } from "./fetch-and-prove.js";
import { objectLockChecks, objectLockMissing } from "./lock-checks.js";
import { planSteps } from "./plan.js";
import type { VerifyReport } from "./report.js";
import { describeSource, resolveSource, type ResolvedSource } from "./source.js";
import { startStopwatch, type Stopwatch } from "./stopwatch.js";
import type { VerifyOptions } from "./verify-options.js";
import { createWorkspace, type Workspace } from "./workspace.js";

/** One verification as it runs: the report it fills, and what cleanup must undo. */
interface Run {
  options: VerifyOptions;
  report: VerifyReport;
  clock: Stopwatch;
  now: () => number;
  onEvent: VerifyEventSink;
  /** The step running, named in the failure. */
  stage: string;
  workspace?: Workspace;
  instance?: EphemeralInstance;
}

/**
 * Prove a backup is intact and restores (docs/architecture.md §5). Returns a report for every
 * expected outcome — `ok: false` with a `failure` for integrity, storage and Neo4j problems —
 * and throws only on bugs. The workspace is removed on success, failure and abort.
 */
export async function verifyBackup(options: VerifyOptions): Promise<VerifyReport> {
  const run = startRun(options);
  try {
    assertCollaborators(options);
    const source = await resolve(run);
    if (options.dryRun) return dryRun(run, source);
    const digests = await step(run, "download", () => download(run, source));
    if (source.bucket !== undefined && source.key !== undefined)
      await step(run, "object-lock", () => checkObjectLock(run, source));
    const { mode } = options;
    if (mode !== "checksum") await step(run, "neo4j", () => proveInNeo4j(run, source, mode));
    verdict(run.report, source, digests);
  } catch (error) {
    recordFailure(run, error);
  } finally {
    await cleanUpAfter(run);
    run.clock.stop();
  }
  return run.report;
}

function startRun(options: VerifyOptions): Run {
  const now = options.now ?? Date.now;
  const clock = startStopwatch(now);
  const report: VerifyReport = {
    ok: false,
    outcome: "failed",
    mode: options.mode,
    source: { kind: options.source.kind, location: describeSource(options.source) },
    sidecar: "unknown",
    sha256: {},
    size: {},
    checks: [],
    durations_ms: clock.durations,
  };
  return { options, report, clock, now, onEvent: options.onEvent ?? (() => {}), stage: "resolve" };
}

/** Run a step under its name: a failure inside it names it as the stage. */
function step<T>(run: Run, stage: string, work: () => Promise<T>): Promise<T> {
  run.stage = stage;
  return work();
}

async function resolve(run: Run): Promise<ResolvedSource> {
  const { options, report, onEvent } = run;
  const source = await run.clock.time("resolve", () =>
    resolveSource(options.source, {
      client: options.client,
      signal: options.signal,
      onLatest: (passedOver) => {
        report.skipped = passedOver.skipped;
        report.uncommitted = passedOver.uncommitted;
        if (passedOver.uncommitted.length > 0)
          onEvent("verify.latest.uncommitted", {
            keys: passedOver.uncommitted,
            message:
              "newer dumps without a .meta.json were ignored: uploads still running, or ones that never committed",
          });
      },
    }),
  );
  describeResolved(report, source);
  onEvent("verify.source", {
    location: source.location,
    sidecar: report.sidecar,
    size: report.size.expected,
    sha256: report.sha256.expected,
    created_at: source.meta?.created_at,
  });
  return source;
}

function dryRun(run: Run, source: ResolvedSource): VerifyReport {
  run.report.plan = planSteps(run.options, source);
  run.report.ok = true;
  run.report.outcome = "dry-run";
  return run.report;
}

/** Into a private workspace, hashing as it streams; throws when the bytes disagree with a record. */
async function download(run: Run, source: ResolvedSource): Promise<Digests> {
  const { options, report, onEvent } = run;
  const workspace = await createWorkspace(options.workDir);
  run.workspace = workspace;
  report.workspace = { dir: workspace.dir, kept: options.keepWorkspace === true };
  // `checksum` needs the bytes' digest only: the dump is written when Neo4j reads it, or to keep.
  const writeDump = options.mode !== "checksum" || options.keepWorkspace === true;
  onEvent("verify.download", {
    location: source.location,
    workspace: workspace.dir,
    size: source.size,
  });
  const { digests, checks } = await fetchAndProve({
    source,
    dest: writeDump ? dumpPathIn(run) : undefined,
    sha256: options.sha256,
    unreadable: { code: "FILE_UNREADABLE" },
    clock: run.clock,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  report.sha256.actual = digests.stored.hex;
  report.size.actual = digests.stored.size;
  report.checks.push(...checks);
  onEvent("verify.integrity", {
    sha256: digests.stored.hex,
    size: digests.stored.size,
    passed: checks.filter((c) => c.status === "pass").length,
    failed: failedChecks(checks).length,
  });
  if (failedChecks(checks).length > 0) {
    throw new NbsError(
      mismatchCode(checks),
      `${source.location} does not match what was recorded: ${describeFailures(checks)}`,
      { hint: mismatchHint(checks) },
    );
  }
  return digests;
}

function dumpPathIn(run: Run): string {
  return join(run.workspace!.dir, `${run.options.database ?? "neo4j"}.dump`);
}

async function checkObjectLock(run: Run, source: ResolvedSource): Promise<void> {
  const locks = await objectLockChecks({
    client: run.options.client!,
    bucket: source.bucket!,
    key: source.key!,
    meta: source.meta,
    now: new Date(run.now()),
    signal: run.options.signal,
  });
  run.report.checks.push(...locks);
  const failed = failedChecks(locks);
  if (failed.length > 0) throw objectLockMissing(source.location, failed);
}

async function proveInNeo4j(
  run: Run,
  source: ResolvedSource,
  mode: "check" | "load",
): Promise<void> {
  const { options, report } = run;
  const restored = await restoreAndProve({
    mode,
    dumpPath: dumpPathIn(run),
    installDir: options.installDir!,
    runner: options.runner!,
    ...(options.driverFactory ? { driverFactory: options.driverFactory } : {}),
    ...(options.serverProcesses ? { processes: options.serverProcesses } : {}),
    database: options.database ?? "neo4j",
    tmpRoot: run.workspace!.dir,
    meta: source.meta,
    smoke: options.smoke,
    indexTimeoutMs: options.indexTimeoutMs,
    signal: options.signal,
    onEvent: run.onEvent,
    record: (check: Check) => report.checks.push(check),
    time: run.clock.time,
    adopt: (instance) => (run.instance = instance),
  });
  report.neo4j = restored.neo4j;
  report.proof = restored.proof;
  if (restored.counts)
    report.counts = {
      ...(source.meta?.stats ? { expected: source.meta.stats } : {}),
      actual: restored.counts,
    };
}

/** Everything that ran passed: verified, or unverified when nothing proved these are the backed-up bytes. */
function verdict(report: VerifyReport, source: ResolvedSource, digests: Digests): void {
  if (matchedReference(report.checks)) {
    report.ok = true;
    report.outcome = "verified";
    return;
  }
  report.outcome = "unverified";
  report.failure = {
    code: "UNVERIFIED",
    category: ERROR_CODES.UNVERIFIED,
    message: `${source.location} is unverified: no sidecar and no --sha256 to compare its sha256 ${short(digests.stored.hex)} with`,
    hint: `pass the sha256 recorded when the backup was taken with --sha256 <hex>, or put its ${basename(source.location)}.meta.json next to it`,
    stage: "verdict",
  };
}

/** An expected failure (or an abort) becomes the report's `failure`; a bug is rethrown. */
function recordFailure(run: Run, error: unknown): void {
  const { signal } = run.options;
  if (!isNbsError(error) && !signal?.aborted) throw error;
  const failure = signal?.aborted
    ? new NbsError("INTERRUPTED", "verification interrupted; workspace cleaned up", {
        cause: error,
      })
    : (error as NbsError);
  run.report.failure = {
    code: failure.code,
    category: failure.category,
    message: failure.message,
    ...(failure.hint ? { hint: failure.hint } : {}),
    stage: run.stage,
  };
}

async function cleanUpAfter(run: Run): Promise<void> {
  const { options, workspace } = run;
  await run.clock
    .time("cleanup", () =>
      cleanUp({
        instance: run.instance,
        workspace,
        keep: options.keepWorkspace === true,
        failed: !run.report.ok,
        runner: options.runner,
      }),
    )
    .catch((error: unknown) =>
      run.onEvent("verify.cleanup.failed", {
        message: error instanceof Error ? error.message : String(error),
        workspace: workspace?.dir,
      }),
    );
}

function assertCollaborators(options: VerifyOptions): void {
  if (options.sha256 !== undefined && !/^[0-9a-f]{64}$/.test(options.sha256)) {
    throw new NbsError("SHA256_INVALID", "sha256 must be 64 lowercase hex digits");
  }
  if (options.source.kind !== "file" && options.client === undefined) {
    throw new NbsError("S3_CLIENT_MISSING", "verifying a stored backup needs an S3 client");
  }
  if (
    options.mode !== "checksum" &&
    !options.dryRun &&
    (options.runner === undefined || options.installDir === undefined)
  ) {
    throw new NbsError("NEO4J_HOME_REQUIRED", `--mode ${options.mode} needs a Neo4j installation`, {
      hint: "pass --neo4j-home (or set NEO4J_HOME), or use --mode checksum",
    });
  }
}

/** The most specific code for failed integrity checks: which record the bytes disagree with. */
function mismatchCode(checks: readonly Check[]): NbsErrorCode {
  const failed = failedChecks(checks).map((c) => c.id);
  if (failed.every((id) => id === "sha256.expected")) return "REFERENCE_CHECKSUM_MISMATCH";
  if (failed.some((id) => id.startsWith("size."))) return "SIZE_MISMATCH";
  if (failed.some((id) => id.startsWith("sha256."))) return "STORED_CHECKSUM_MISMATCH";
  return "OBJECT_METADATA_MISMATCH";
}

function mismatchHint(checks: readonly Check[]): string {
  const failed = failedChecks(checks);
  if (failed.every((c) => c.id === "sha256.expected"))
    return "the bytes are not the ones --sha256 describes: check that hash's origin; do not restore from the dump until you know which is right";
  return "the stored bytes changed or were replaced after the backup was committed; do not restore from it";
}

function describeResolved(report: VerifyReport, source: ResolvedSource): void {
  report.source = {
    kind: source.kind,
    location: source.location,
    ...(source.bucket ? { bucket: source.bucket } : {}),
    ...(source.key ? { key: source.key } : {}),
    ...(source.path ? { path: source.path } : {}),
  };
  report.sidecar = source.meta ? "valid" : "absent";
  const meta = source.meta;
  if (meta) {
    report.backup = {
      db_name: meta.db_name,
      created_at: meta.created_at,
      created_by: meta.created_by,
      ...(meta.uploaded_at ? { uploaded_at: meta.uploaded_at } : {}),
      ...(meta.neo4j ? { neo4j_version: meta.neo4j.version } : {}),
    };
    report.sha256.expected = meta.sha256;
    report.size.expected = meta.size;
  } else if (source.object) {
    report.size.expected = source.object.size;
  }
}

interface CleanUp {
  instance: EphemeralInstance | undefined;
  workspace: Workspace | undefined;
  keep: boolean;
  failed: boolean;
  runner: ProcessRunner | undefined;
}

async function cleanUp({ instance, workspace, keep, failed, runner }: CleanUp): Promise<void> {
  try {
    // An abort that lands while `neo4j start` runs leaves a JVM the instance does not know is
    // running (its stop() then does nothing); stop by the home's pid file whatever it believes.
    // dispose() needs no help: it kills whatever process serves the home.
    if (instance && failed && runner && keep) {
      await runNeo4jCommand(runner, serverCommand(instance.installation, "stop"), {
        cwd: instance.home,
        timeoutMs: 120_000,
        okExitCodes: [0, 1, 2, 3],
      }).catch(() => undefined);
    }
    // Stop (keep logs and a clean store) or dispose (kill the server, delete the home); both
    // ignore the abort signal by design.
    if (instance) await (keep ? instance.stop() : instance.dispose());
  } finally {
    if (workspace && !keep) await workspace.remove();
  }
}
