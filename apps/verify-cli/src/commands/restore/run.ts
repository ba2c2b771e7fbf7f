import {
  createRedactor,
  redactValue,
  requireRegion,
  secretValuesFrom,
  storeClient,
  type CliLogger,
  type Outcome,
  withoutCredentials,
} from "@nbs/cli-kit";
import { isNbsError } from "@nbs/errors";
import { createSpawnRunner } from "@nbs/neo4j-admin";
import type { createS3Client } from "@nbs/s3-store";
import {
  renderRestoreSummaryMarkdown,
  restoreToServer,
  type RestoreFailure,
  type RestoreServerReport,
} from "@nbs/verify";
import type { ResolvedRestoreSettings } from "./settings.js";
import { appendSummary, boltDriver, downloadProgress, failureOf, levelOf } from "../../outputs.js";
import { TOOL } from "../../tool.js";

export interface RestoreDeps {
  logger: CliLogger;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
  tty?: NodeJS.WriteStream;
  createClient?: typeof createS3Client;
}

const level = levelOf(
  new Set([
    "restore.neo4j.version-mismatch",
    "restore.proof.neo4j.version-mismatch",
    "restore.safety-copy.skipped",
  ]),
);

/**
 * Restore a backup onto the operator's Neo4j: verify the bytes, prove the dump in a private
 * ephemeral Neo4j, stop, load, start, check online / schema / index states.
 */
export async function runRestore(
  settings: ResolvedRestoreSettings,
  deps: RestoreDeps,
): Promise<Outcome> {
  const { logger, env } = deps;
  const needsS3 = settings.source.kind !== "file";
  if (needsS3) requireRegion(settings.region);
  const client = needsS3 ? storeClient(settings, deps.createClient) : undefined;
  // The password stays in this closure: never in settings, events or the report.
  const password = env["NEO4J_PASSWORD"] ?? "";
  const connect = () => boltDriver(settings.neo4jUri, settings.neo4jUser, password);
  const progress = downloadProgress({
    logger,
    event: "restore.download.progress",
    tty: deps.tty,
  });
  logger.log("info", "restore.start", {
    source: settings.source,
    database: settings.asDb ?? settings.db,
    ...(settings.asDb !== undefined ? { backup_db: settings.db } : {}),
    neo4j_home: settings.neo4jHome,
    ...(settings.neo4jService !== undefined ? { neo4j_service: settings.neo4jService } : {}),
    force: settings.force,
    dry_run: settings.dryRun,
  });
  try {
    const report = await restoreToServer({
      source: settings.source,
      ...(client ? { client } : {}),
      ...(settings.sha256 !== undefined ? { sha256: settings.sha256 } : {}),
      neo4jHome: settings.neo4jHome,
      ...(settings.neo4jService !== undefined ? { service: settings.neo4jService } : {}),
      runner: createSpawnRunner({ env: withoutCredentials(env) }),
      connect,
      database: settings.asDb ?? settings.db,
      backupDatabase: settings.db,
      neo4jUri: settings.neo4jUri,
      safetyCopy: settings.safetyCopy
        ? { ...(settings.safetyDir !== undefined ? { dir: settings.safetyDir } : {}), tool: TOOL }
        : false,
      force: settings.force,
      dryRun: settings.dryRun,
      indexTimeoutMs: settings.indexTimeout,
      ...(settings.workDir !== undefined ? { workDir: settings.workDir } : {}),
      signal: deps.signal,
      onEvent: (event, fields) => logger.log(level(event), event, fields),
      onProgress: progress.update,
    });
    progress.done();
    await writeSummary(settings, env, report);
    return { ...report };
  } catch (error) {
    if (isNbsError(error))
      await writeSummary(settings, env, undefined, failureOf(error)).catch(() => undefined);
    throw error;
  } finally {
    client?.destroy();
  }
}

/** `--summary-md`: appended (GitHub collects every step's summary in one file), redacted like the logs. */
async function writeSummary(
  settings: ResolvedRestoreSettings,
  env: Record<string, string | undefined>,
  report: RestoreServerReport | undefined,
  failure?: RestoreFailure,
): Promise<void> {
  if (settings.summaryMd === undefined) return;
  const redact = createRedactor(secretValuesFrom(env));
  const text = renderRestoreSummaryMarkdown(
    report ? (redactValue(report, redact) as RestoreServerReport) : undefined,
    failure ? (redactValue(failure, redact) as RestoreFailure) : undefined,
  );
  await appendSummary(settings.summaryMd, text);
}
