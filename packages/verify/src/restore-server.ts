import type { S3Client } from "@aws-sdk/client-s3";
import type { BackupMeta, ToolInfo } from "@nbs/metadata";
import { NbsError, isNbsError } from "@nbs/errors";
import {
  countNodes,
  detectDumpFormat,
  loadDatabase,
  locateNeo4j,
  serverRunning,
  type DriverFactory,
  type HomeConf,
  type Neo4jInstallation,
  type ProcessRunner,
  type ServerProcesses,
} from "@nbs/neo4j-admin";
import { join } from "node:path";
import { describeFailures, failedChecks, matchedReference, type Check } from "./checks.js";
import type { VerifyEventSink, VerifyProgress } from "./events.js";
import { fetchAndProve } from "./fetch-and-prove.js";
import { firstLine } from "./first-line.js";
import { describeBackup, restorePlan, type RestoreServerReport } from "./restore-report.js";
import { proveBeforeLoad, type ProofInstanceOptions } from "./restore-proof.js";
import { checkServed } from "./served-checks.js";
import {
  defaultSafetyDir,
  preflightRestore,
  replacesData,
  warnNoSafetyCopy,
  withSafetyCopy,
} from "./restore-guard.js";
import { freeBytesAt } from "./restore-preflight.js";
import { safetyCopyHooks, type SafetyCopyHooks } from "./safety-copy.js";
import { proveSameServer } from "./same-server.js";
import { resolveSource, type ResolvedSource, type VerifySource } from "./source.js";
import { startStopwatch, type Stopwatch } from "./stopwatch.js";
import { createWorkspace, deleteQuietly, type Workspace } from "./workspace.js";

export interface RestoreServerOptions {
  source: VerifySource;
  /** Needed for S3 sources; built and owned by the caller. */
  client?: S3Client;
  /** The sha256 of the stored bytes recorded elsewhere (lowercase hex): the reference for a local file without a sidecar. */
  sha256?: string;
  /** The operator's Neo4j installation: its server is stopped, its database replaced, the server started. */
  neo4jHome: string;
  /** The systemd unit running it (`--neo4j-service`): stopped, started and asked through systemctl. */
  service?: string;
  runner: ProcessRunner;
  /** A new driver to that server (the caller holds the credentials); closed after each use. */
  connect: () => ReturnType<DriverFactory>;
  /** The database to replace. */
  database: string;
  /** The database the backup must be of (its sidecar's `db_name`); default `database` (`--db` with `--as-db`). */
  backupDatabase?: string;
  /** The Bolt URI behind `connect`, named when it is not the server of `neo4jHome`. */
  neo4jUri?: string;
  /**
   * Dump the data being replaced first (to `dir`, default beside the data directory) and load it
   * back if the load fails; `false` (`--no-safety-copy`) replaces it without a way back.
   */
  safetyCopy: false | { dir?: string; tool: ToolInfo };
  /** Free bytes where a directory is; default statfs. */
  freeBytes?: (dir: string) => Promise<number>;
  /** Replace a database that holds data, or one that cannot be checked (server not running). */
  force: boolean;
  /** Resolve the source, check the target, and describe the plan: nothing downloaded, nothing stopped. */
  dryRun?: boolean;
  workDir?: string;
  signal?: AbortSignal;
  onEvent?: VerifyEventSink;
  onProgress?: (progress: VerifyProgress) => void;
  /** Per Neo4j command; default 1 hour. */
  timeoutMs?: number;
  /** How long to wait for POPULATING indexes, in the proof's ephemeral Neo4j and after the start; default 10 minutes each. */
  indexTimeoutMs?: number;
  /** The private Neo4j the dump is proven in before the stop (tests: fakes). */
  proofInstance?: ProofInstanceOptions;
  /**
   * Finds the server's processes (default /proc): a live one serving the home means running
   * without a `neo4j status` JVM; "not running" is still `neo4j status`'s word (serverRunning).
   */
  processes?: ServerProcesses;
  now?: () => number;
}

/**
 * Restore a backup onto a real server (Community: offline). The bytes are downloaded and checked
 * against every record first (sha256 and size vs sidecar / `--sha256` / object metadata, Neo4j dump
 * format), then loaded into a private ephemeral Neo4j where its transaction id, indexes, counts and
 * schema are proven without a writer racing them. Only then: stop, load, start (always), and check
 * on the server what a write cannot change (online, schema present, indexes ONLINE). Throws an
 * NbsError for every failure; nothing is stopped before the dump has been proven.
 */
export async function restoreToServer(options: RestoreServerOptions): Promise<RestoreServerReport> {
  const run: Run = {
    options,
    clock: startStopwatch(options.now ?? Date.now),
    onEvent: options.onEvent ?? (() => {}),
    loadBegan: false,
  };
  try {
    const plan = await planRestore(run);
    if (options.dryRun) {
      plan.report.plan = restorePlan(
        plan.source,
        plan.report.target,
        options.workDir,
        plan.safetyDir,
      );
      return plan.report;
    }
    const dumpPath = await fetchAndProveDump(run, plan);
    await proveInEphemeral(run, plan, dumpPath);
    // The download took a while: someone may have written to an empty target since. This is
    // then the last look before the stop, so the load does not ask whether the server runs again.
    const recheck =
      plan.report.target.running && !options.force
        ? await checkTarget(plan.inst, options, plan.conf)
        : undefined;
    await load(run, plan, recheck?.running);
    await checkOnServer(run, plan);
    plan.report.outcome = "restored";
    return plan.report;
  } catch (caught) {
    throw failureOf(run, caught);
  } finally {
    if (run.workspace) await deleteQuietly(run.workspace.dir);
    run.clock.stop();
  }
}

/** One restore as it runs: what cleanup and the failure need to know. */
interface Run {
  options: RestoreServerOptions;
  clock: Stopwatch;
  onEvent: VerifyEventSink;
  workspace?: Workspace;
  safety?: SafetyCopyHooks;
  /** The load began: a signal after this leaves the database replaced. */
  loadBegan: boolean;
}

/** What was found before anything is downloaded or stopped. */
interface Plan {
  source: ResolvedSource;
  inst: Neo4jInstallation;
  conf: HomeConf;
  safetyDir: string | undefined;
  report: RestoreServerReport;
}

/** Resolve the source, locate and check the target, decide the safety copy: nothing changes yet. */
async function planRestore(run: Run): Promise<Plan> {
  const { options, onEvent } = run;
  const source = await run.clock.time("resolve", () =>
    resolveSource(options.source, { client: options.client, signal: options.signal }),
  );
  onEvent("restore.source", {
    location: source.location,
    size: source.size,
    sha256: source.meta?.sha256,
    created_at: source.meta?.created_at,
  });
  const inst = await locateNeo4j({
    home: options.neo4jHome,
    runner: options.runner,
    signal: options.signal,
    ...(options.service === undefined ? {} : { service: options.service }),
  });
  const { preflight, conf } = await preflightRestore({
    inst,
    meta: source.meta,
    storedSize: source.size,
    target: options.database,
    backupDb: options.backupDatabase ?? options.database,
    freeBytes: options.freeBytes ?? freeBytesAt,
  });
  const target = await checkTarget(inst, options, conf);
  onEvent("restore.target", { ...target });
  onEvent("restore.preflight", { ...preflight });
  const hasData = await replacesData(target, conf);
  if (hasData && options.safetyCopy === false) warnNoSafetyCopy(onEvent, options.database);
  const safetyDir =
    hasData && options.safetyCopy ? (options.safetyCopy.dir ?? defaultSafetyDir(conf)) : undefined;
  const report: RestoreServerReport = {
    outcome: "dry-run",
    source: sourceOf(source),
    ...(source.meta ? { backup: describeBackup(source.meta)! } : {}),
    sha256: { ...(source.meta ? { expected: source.meta.sha256 } : {}) },
    size: { expected: source.meta?.size ?? source.size },
    target,
    preflight,
    safety_copy: safetyDir
      ? { status: "planned", dir: safetyDir }
      : { status: hasData ? "skipped" : "not-needed" },
    checks: [],
    durations_ms: run.clock.durations,
  };
  return { source, inst, conf, safetyDir, report };
}

/** Download into a private workspace and prove the bytes and the format; returns the dump's path. */
async function fetchAndProveDump(run: Run, { source, inst, report }: Plan): Promise<string> {
  const { options, onEvent } = run;
  const workspace = await createWorkspace(options.workDir);
  run.workspace = workspace;
  const dumpPath = join(workspace.dir, `${options.database}.dump`);
  onEvent("restore.download", { location: source.location, workspace: workspace.dir });
  const { digests, checks } = await fetchAndProve({
    source,
    dest: dumpPath,
    sha256: options.sha256,
    unreadable: {
      code: "RESTORE_FILE_UNREADABLE",
      hint: "check the file named by --file and its permissions",
    },
    clock: run.clock,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  report.sha256.actual = digests.stored.hex;
  report.size.actual = digests.stored.size;
  report.checks.push(...(await proveBytes(source, checks, dumpPath)));
  onEvent("restore.verified", { sha256: digests.stored.hex, size: digests.stored.size });
  warnOnVersion(source.meta, inst, onEvent);
  return dumpPath;
}

/** Load into a private ephemeral Neo4j and prove transaction id, counts, schema and indexes. */
async function proveInEphemeral(run: Run, { source, inst, report }: Plan, dumpPath: string) {
  const { options, onEvent } = run;
  const proven = await proveBeforeLoad({
    dumpPath,
    meta: source.meta,
    neo4jHome: inst.home,
    runner: options.runner,
    database: options.database,
    workspaceDir: run.workspace!.dir,
    instance: options.proofInstance,
    indexTimeoutMs: options.indexTimeoutMs,
    signal: options.signal,
    onEvent,
    time: run.clock.time,
  });
  report.checks.push(...proven.checks);
  report.counts = {
    ...(source.meta?.stats ? { expected: source.meta.stats } : {}),
    actual: proven.counts,
  };
  report.proof = proven.proof;
  onEvent("restore.proven", { proof: proven.proof.method, nodes: proven.counts.nodes });
}

/**
 * Stop, (safety copy,) load, start: the only step that changes the server. `running`: what a
 * check made just before found; without it the load asks (the state may have changed since the
 * preflight: the download and the proof take minutes).
 */
async function load(
  run: Run,
  { inst, safetyDir, report }: Plan,
  running: boolean | undefined,
): Promise<void> {
  const { options, onEvent } = run;
  if (safetyDir && options.safetyCopy)
    run.safety = safetyCopyHooks({
      inst,
      db: options.database,
      parentDir: safetyDir,
      runner: options.runner,
      tool: options.safetyCopy.tool,
      now: () => new Date((options.now ?? Date.now)()),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      onEvent,
    });
  const safety = run.safety;
  await run.clock.time("neo4j_restore", () =>
    loadDatabase({
      installation: inst,
      db: options.database,
      dumpDir: run.workspace!.dir,
      runner: options.runner,
      driverFactory: options.connect,
      ...(running === undefined ? {} : { running }),
      ...(options.processes ? { processes: options.processes } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      onStep: (step) => {
        if (step === "load") run.loadBegan = true;
        onEvent(`restore.neo4j.${step}`, { home: inst.home });
      },
      ...(safety ? { beforeLoad: safety.beforeLoad, afterFailedLoad: safety.afterFailedLoad } : {}),
    }),
  );
  const copy = safety?.made();
  if (copy) report.safety_copy = { status: "made", dir: safetyDir!, ...copy };
}

/** What a write cannot change, checked on the restored server. */
async function checkOnServer(run: Run, { source, report }: Plan): Promise<void> {
  const { options } = run;
  await run.clock.time("served_checks", () =>
    checkServed({
      connect: options.connect,
      database: options.database,
      meta: source.meta,
      indexTimeoutMs: options.indexTimeoutMs,
      signal: options.signal,
      onEvent: run.onEvent,
      record: (check) => report.checks.push(check),
    }),
  );
}

/** The error to throw: with the safety copy named, and a signal told apart by when it came. */
function failureOf(run: Run, caught: unknown): unknown {
  const error = withSafetyCopy(caught, run.safety?.made());
  if (
    !run.options.signal?.aborted ||
    (isNbsError(error) && error.code === "RESTORE_RESTART_FAILED")
  )
    return error;
  return run.loadBegan
    ? interruptedAfterLoad(run.options.database, error)
    : new NbsError("RESTORE_INTERRUPTED", "restore interrupted before anything was loaded", {
        hint: "check Neo4j with `neo4j status`; re-run the restore",
        cause: error,
      });
}

/**
 * A signal came after the load began, which it does not stop: the database was replaced (or is
 * partly), and that is no "interrupted, nothing changed" (exit 6, RESTORE_UNFINISHED).
 */
function interruptedAfterLoad(database: string, error: unknown): NbsError {
  const what = isNbsError(error) ? `${error.code}: ${firstLine(error)}` : firstLine(error);
  return new NbsError(
    "RESTORE_UNFINISHED",
    `restore interrupted after the load of ${database} began: the database was replaced (by the backup, or by the safety copy loaded back after a failed load) and the restore did not finish (${what})`,
    {
      hint: "Neo4j holds the loaded data, not proven against the backup: check it before serving from it, or re-run the restore with --force",
      cause: error,
    },
  );
}

/** Is the target running, and does its database hold data? Refuses without --force when in doubt. */
async function checkTarget(
  inst: Neo4jInstallation,
  options: RestoreServerOptions,
  conf: HomeConf,
): Promise<RestoreServerReport["target"]> {
  // A live process serving the home answers without a JVM; "not running" is `neo4j status`'s word.
  const running = await serverRunning(inst, {
    runner: options.runner,
    signal: options.signal,
    timeoutMs: 120_000,
    processes: options.processes,
  });
  // The emptiness check and the counts go over the URI; the stop/load/start act on the home.
  const server = await proveSameServer({
    inst,
    conf,
    connect: options.connect,
    uri: options.neo4jUri ?? "the Bolt URI",
    running,
  });
  const base = {
    database: options.database,
    neo4j_home: inst.home,
    neo4j_version: inst.version.raw,
    edition: inst.edition,
    server,
  };
  if (!running) {
    if (!options.force)
      throw new NbsError(
        "RESTORE_TARGET_UNKNOWN",
        `Neo4j at ${inst.home} is not running, so whether database ${options.database} holds data cannot be checked`,
        {
          hint: "start Neo4j and run the restore again, or pass --force to replace the database unseen",
        },
      );
    return { ...base, running: false, forced: true };
  }
  const nodes = await askNodes(options);
  if (nodes > 0 && !options.force)
    throw new NbsError(
      "RESTORE_TARGET_NOT_EMPTY",
      `database ${options.database} at ${inst.home} holds ${nodes} node(s); a restore replaces them`,
      {
        hint: "pass --force to replace them (dump them first with backup.sh if they may be needed), or restore into another database",
      },
    );
  return { ...base, running: true, nodes_before: nodes, forced: nodes > 0 };
}

async function askNodes(options: RestoreServerOptions): Promise<number> {
  const driver = options.connect();
  try {
    return await countNodes(driver, options.database);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new NbsError(
      "RESTORE_NEO4J_UNREACHABLE",
      `cannot count the nodes of ${options.database} over Bolt: ${firstLine(error)}`,
      {
        hint: "check --neo4j-uri (NEO4J_URI), NEO4J_USERNAME and NEO4J_PASSWORD; nothing was changed",
        cause: error,
      },
    );
  } finally {
    await driver.close();
  }
}

/** Every record the bytes can be compared with, and the dump format; throws before anything is loaded. */
async function proveBytes(
  source: ResolvedSource,
  checks: Check[],
  dumpPath: string,
): Promise<Check[]> {
  if (failedChecks(checks).length > 0)
    throw new NbsError(
      "RESTORE_BYTES_MISMATCH",
      `${source.location} does not match what was recorded: ${describeFailures(checks)}; nothing was loaded and Neo4j was not touched`,
      {
        hint: "do not restore from it; pick another backup (nbs-verify list) and investigate this one",
      },
    );
  if (!matchedReference(checks))
    throw new NbsError(
      "RESTORE_UNVERIFIED",
      `${source.location} has no sidecar and no --sha256 to compare its sha256 with; nothing was loaded`,
      {
        hint: "pass the sha256 recorded when the backup was taken with --sha256, or put its .meta.json next to it",
      },
    );
  const format = await detectDumpFormat(dumpPath);
  const ok = format.kind === "neo4j-5-dump" || format.kind === "neo4j-4-dump";
  checks.push({
    id: "dump.format",
    name: "a Neo4j dump (by its first bytes)",
    group: "integrity",
    status: ok ? "pass" : "fail",
    actual: format.kind,
  });
  if (!ok)
    throw new NbsError(
      "RESTORE_NOT_A_DUMP",
      `${source.location} is not a Neo4j dump (${format.kind}, starts ${JSON.stringify(format.magic)}); nothing was loaded`,
      { hint: "restore a file made by neo4j-admin database dump (backup.sh)" },
    );
  return checks;
}

function warnOnVersion(
  meta: BackupMeta | undefined,
  inst: Neo4jInstallation,
  onEvent: VerifyEventSink,
): void {
  const major = Number(meta?.neo4j?.version.split(".")[0]);
  if (Number.isFinite(major) && major !== inst.version.major)
    onEvent("restore.neo4j.version-mismatch", {
      message: `the dump was taken with Neo4j ${meta?.neo4j?.version}; loading it with ${inst.version.raw}`,
    });
}

function sourceOf(source: ResolvedSource): RestoreServerReport["source"] {
  return {
    kind: source.kind,
    location: source.location,
    ...(source.bucket ? { bucket: source.bucket } : {}),
    ...(source.key ? { key: source.key } : {}),
  };
}
