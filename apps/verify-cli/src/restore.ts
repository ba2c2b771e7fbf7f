import {
  createProgress,
  s3ClientOptions,
  type CliLogger,
  type Level,
  type Outcome,
  withoutCredentials,
} from "@nbs/cli-kit";
import { NbsError } from "@nbs/errors";
import { createSpawnRunner } from "@nbs/neo4j-admin";
import { createS3Client } from "@nbs/s3-store";
import { restoreToServer } from "@nbs/verify";
import neo4j from "neo4j-driver";
import type { ResolvedRestoreSettings } from "./restore-settings.js";

export interface RestoreDeps {
  logger: CliLogger;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
  tty?: NodeJS.WriteStream;
  createClient?: typeof createS3Client;
}

const WARN_EVENTS = new Set(["restore.neo4j.version-mismatch"]);

/** Restore a backup onto the operator's Neo4j: verify the bytes, stop, load, start, compare counts. */
export async function runRestore(
  settings: ResolvedRestoreSettings,
  deps: RestoreDeps,
): Promise<Outcome> {
  const { logger, env } = deps;
  const needsS3 = settings.source.kind !== "file";
  if (needsS3 && settings.region === undefined)
    throw new NbsError("REGION_MISSING", "no AWS region configured", {
      hint: "pass --region or set AWS_REGION (with --endpoint it defaults to us-east-1)",
    });
  const client = needsS3
    ? (deps.createClient ?? createS3Client)(s3ClientOptions(settings))
    : undefined;
  // The password stays in this closure: never in settings, events or the report.
  const password = env["NEO4J_PASSWORD"] ?? "";
  const connect = () =>
    neo4j.driver(settings.neo4jUri, neo4j.auth.basic(settings.neo4jUser, password), {
      logging: { level: "error", logger: () => {} },
      connectionTimeout: 30_000,
    });
  let progress: ReturnType<typeof createProgress> | undefined;
  logger.log("info", "restore.start", {
    source: settings.source,
    database: settings.db,
    neo4j_home: settings.neo4jHome,
    force: settings.force,
    dry_run: settings.dryRun,
  });
  try {
    const report = await restoreToServer({
      source: settings.source,
      ...(client ? { client } : {}),
      ...(settings.sha256 !== undefined ? { sha256: settings.sha256 } : {}),
      neo4jHome: settings.neo4jHome,
      runner: createSpawnRunner({ env: withoutCredentials(env) }),
      connect,
      database: settings.db,
      force: settings.force,
      dryRun: settings.dryRun,
      ...(settings.workDir !== undefined ? { workDir: settings.workDir } : {}),
      signal: deps.signal,
      onEvent: (event, fields) => logger.log(level(event), event, fields),
      onProgress: (p) => {
        progress ??= createProgress({
          logger,
          event: "restore.download.progress",
          total: p.total,
          ...(deps.tty ? { tty: deps.tty } : {}),
        });
        progress.update(p.bytes);
      },
    });
    progress?.done();
    return { ...report };
  } finally {
    client?.destroy();
  }
}

function level(event: string): Level {
  return WARN_EVENTS.has(event) ? "warn" : "info";
}
