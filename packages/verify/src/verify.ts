import type { S3Client } from "@aws-sdk/client-s3";
import { ERROR_CODES, NbsError, isNbsError, type NbsErrorCode } from "@nbs/errors";
import {
  runNeo4jCommand,
  serverCommand,
  type DriverFactory,
  type EphemeralInstance,
  type ProcessRunner,
  type ServerProcesses,
} from "@nbs/neo4j-admin";
import { toStorageError } from "@nbs/s3-store";
import { basename, join } from "node:path";
import {
  describeFailures,
  failedChecks,
  integrityChecks,
  matchedReference,
  short,
  type Check,
} from "./checks.js";
import { fetchHashing } from "./download.js";
import { objectLockChecks, objectLockMissing } from "./lock-checks.js";
import type { VerifyEventSink, VerifyProgress } from "./events.js";
import type { VerifyMode, VerifyReport } from "./report.js";
import { planSteps } from "./plan.js";
import { restoreAndProve, type SmokeQuery } from "./ephemeral-load.js";
import { describeSource, resolveSource, type ResolvedSource, type VerifySource } from "./source.js";
import { createWorkspace, type Workspace } from "./workspace.js";

export interface VerifyOptions {
  source: VerifySource;
  mode: VerifyMode;
  /**
   * The sha256 of the stored bytes as recorded elsewhere (lowercase hex): compared in addition to
   * the sidecar, and the only reference for a local dump without one.
   */
  sha256?: string;
  /** Needed for S3 sources; built and owned by the caller. */
  client?: S3Client;
  /** Needed for `check` and `load`: runs neo4j-admin / neo4j of `installDir`. */
  runner?: ProcessRunner;
  /** A Neo4j installation to borrow bin/ and lib/ from; its own data is never touched. */
  installDir?: string;
  /** Builds the driver to the ephemeral instance (default: the real neo4j-driver). */
  driverFactory?: DriverFactory;
  /** Finds and kills the ephemeral server at cleanup (default: /proc on Linux). */
  serverProcesses?: ServerProcesses;
  /** The database name inside the ephemeral instance (default "neo4j"; Community serves one). */
  database?: string;
  smoke?: SmokeQuery;
  /** `load`: how long to wait for POPULATING indexes after the start (default 10 minutes). */
  indexTimeoutMs?: number;
  /** Parent of the private workspace (default: the OS temp directory). */
  workDir?: string;
  /** Leave the workspace (download, ephemeral home and its logs) in place for inspection. */
  keepWorkspace?: boolean;
  /** Resolve the source and describe the plan; nothing is downloaded. */
  dryRun?: boolean;
  signal?: AbortSignal;
  onEvent?: VerifyEventSink;
  onProgress?: (progress: VerifyProgress) => void;
  now?: () => number;
}

/**
 * Prove a backup is intact and restores (docs/architecture.md §5). Returns a report for every
 * expected outcome — `ok: false` with a `failure` for integrity, storage and Neo4j problems —
 * and throws only on bugs. The workspace is removed on success, failure and abort.
 */
export async function verifyBackup(options: VerifyOptions): Promise<VerifyReport> {
  const now = options.now ?? Date.now;
  const started = now();
  const onEvent: VerifyEventSink = options.onEvent ?? (() => {});
  const report: VerifyReport = {
    ok: false,
    outcome: "failed",
    mode: options.mode,
    source: { kind: options.source.kind, location: describeSource(options.source) },
    sidecar: "unknown",
    sha256: {},
    size: {},
    checks: [],
    durations_ms: {},
  };
  const time = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const t = now();
    try {
      return await work();
    } finally {
      report.durations_ms[step] = now() - t;
    }
  };
  const record = (check: Check) => report.checks.push(check);
  let stage = "resolve";
  let workspace: Workspace | undefined;
  let instance: EphemeralInstance | undefined;
  try {
    assertCollaborators(options);
    const source = await time("resolve", () =>
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
    if (options.dryRun) {
      report.plan = planSteps(options, source);
      report.ok = true;
      report.outcome = "dry-run";
      return report;
    }

    stage = "download";
    workspace = await createWorkspace(options.workDir);
    report.workspace = { dir: workspace.dir, kept: options.keepWorkspace === true };
    const dumpPath = join(workspace.dir, `${options.database ?? "neo4j"}.dump`);
    // `checksum` needs the bytes' digest only: the dump is written when Neo4j reads it, or to keep.
    const writeDump = options.mode !== "checksum" || options.keepWorkspace === true;
    onEvent("verify.download", {
      location: source.location,
      workspace: workspace.dir,
      size: source.size,
    });
    const digests = await time("download", () =>
      fetchFrom(source, writeDump ? dumpPath : undefined, options),
    );
    report.sha256.actual = digests.stored.hex;
    report.size.actual = digests.stored.size;
    const integrity = integrityChecks({
      meta: source.meta,
      object: source.object,
      stored: digests.stored,
      ...(digests.original ? { original: digests.original } : {}),
      expectedSha256: options.sha256,
    });
    integrity.forEach(record);
    onEvent("verify.integrity", {
      sha256: digests.stored.hex,
      size: digests.stored.size,
      passed: integrity.filter((c) => c.status === "pass").length,
      failed: failedChecks(integrity).length,
    });
    if (failedChecks(integrity).length > 0) {
      throw new NbsError(
        mismatchCode(integrity),
        `${source.location} does not match what was recorded: ${describeFailures(integrity)}`,
        { hint: mismatchHint(integrity) },
      );
    }

    if (source.bucket !== undefined && source.key !== undefined) {
      stage = "object-lock";
      const locks = await objectLockChecks({
        client: options.client!,
        bucket: source.bucket,
        key: source.key,
        meta: source.meta,
        now: new Date(now()),
        signal: options.signal,
      });
      locks.forEach(record);
      const failed = failedChecks(locks);
      if (failed.length > 0) throw objectLockMissing(source.location, failed);
    }

    if (options.mode !== "checksum") {
      stage = "neo4j";
      const restored = await restoreAndProve({
        mode: options.mode,
        dumpPath,
        installDir: options.installDir!,
        runner: options.runner!,
        ...(options.driverFactory ? { driverFactory: options.driverFactory } : {}),
        ...(options.serverProcesses ? { processes: options.serverProcesses } : {}),
        database: options.database ?? "neo4j",
        tmpRoot: workspace.dir,
        meta: source.meta,
        smoke: options.smoke,
        indexTimeoutMs: options.indexTimeoutMs,
        signal: options.signal,
        onEvent,
        record,
        time,
        adopt: (i) => (instance = i),
      });
      report.neo4j = restored.neo4j;
      report.proof = restored.proof;
      if (restored.counts)
        report.counts = {
          ...(source.meta?.stats ? { expected: source.meta.stats } : {}),
          actual: restored.counts,
        };
    }
    if (matchedReference(report.checks)) {
      report.ok = true;
      report.outcome = "verified";
    } else {
      // Everything that ran passed, but nothing proved these are the bytes that were backed up.
      report.outcome = "unverified";
      report.failure = {
        code: "UNVERIFIED",
        category: ERROR_CODES.UNVERIFIED,
        message: `${source.location} is unverified: no sidecar and no --sha256 to compare its sha256 ${short(digests.stored.hex)} with`,
        hint: `pass the sha256 recorded when the backup was taken with --sha256 <hex>, or put its ${basename(source.location)}.meta.json next to it`,
        stage: "verdict",
      };
    }
  } catch (error) {
    if (!isNbsError(error) && !options.signal?.aborted) throw error;
    const failure = options.signal?.aborted
      ? new NbsError("INTERRUPTED", "verification interrupted; workspace cleaned up", {
          cause: error,
        })
      : (error as NbsError);
    report.failure = {
      code: failure.code,
      category: failure.category,
      message: failure.message,
      ...(failure.hint ? { hint: failure.hint } : {}),
      stage,
    };
  } finally {
    await time("cleanup", () =>
      cleanUp({
        instance,
        workspace,
        keep: options.keepWorkspace === true,
        failed: !report.ok,
        runner: options.runner,
      }),
    ).catch((error: unknown) =>
      onEvent("verify.cleanup.failed", {
        message: error instanceof Error ? error.message : String(error),
        workspace: workspace?.dir,
      }),
    );
    report.durations_ms["total"] = now() - started;
  }
  return report;
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

async function fetchFrom(source: ResolvedSource, dest: string | undefined, options: VerifyOptions) {
  const total = source.size;
  try {
    const stream = await source.open(options.signal);
    return await fetchHashing(stream, dest, {
      total,
      compression: source.meta?.compression?.algorithm,
      signal: options.signal,
      onProgress: options.onProgress,
    });
  } catch (error) {
    if (isNbsError(error) || options.signal?.aborted) throw error;
    if (source.kind === "file") {
      throw new NbsError(
        "FILE_UNREADABLE",
        `cannot read ${source.location}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        { cause: error },
      );
    }
    throw toStorageError(error, { bucket: source.bucket!, key: source.key!, op: "download" });
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
