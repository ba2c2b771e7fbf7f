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
import { NbsError } from "@nbs/errors";
import { createSpawnRunner } from "@nbs/neo4j-admin";
import type { createS3Client } from "@nbs/s3-store";
import { renderSummaryMarkdown, verifyBackup, type VerifyReport } from "@nbs/verify";
import { writeFile } from "node:fs/promises";
import { createDownloadReclaimer } from "../../memory.js";
import type { ResolvedVerifySettings } from "./settings.js";
import { appendSummary, downloadProgress, levelOf } from "../../outputs.js";

export interface VerifyDeps {
  logger: CliLogger;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
  tty?: NodeJS.WriteStream;
  /** Receives the report before the outcome is decided, so `--json` can carry it on failure too. */
  onReport?: (report: VerifyReport) => void;
  createClient?: typeof createS3Client;
}

const level = levelOf(
  new Set(["verify.latest.uncommitted", "verify.neo4j.version-mismatch", "verify.cleanup.failed"]),
);

/** Run one verification; write `--report` and `--summary-md` whatever the verdict; throw on a failed one. */
export async function runVerify(
  settings: ResolvedVerifySettings,
  deps: VerifyDeps,
): Promise<Outcome> {
  const { logger, signal } = deps;
  const needsS3 = settings.source.kind !== "file";
  if (needsS3) requireRegion(settings.region);
  const client = needsS3 ? storeClient(settings, deps.createClient) : undefined;
  const progress = downloadProgress({
    logger,
    event: "verify.download.progress",
    tty: deps.tty,
  });
  const reclaim = createDownloadReclaimer();
  logger.log("info", "verify.start", {
    source: settings.source,
    mode: settings.mode,
    dry_run: settings.dryRun,
    neo4j_home: settings.neo4jHome,
  });
  try {
    const report = await verifyBackup({
      source: settings.source,
      mode: settings.mode,
      ...(settings.sha256 !== undefined ? { sha256: settings.sha256 } : {}),
      ...(client ? { client } : {}),
      ...(settings.mode !== "checksum" && settings.neo4jHome !== undefined
        ? {
            installDir: settings.neo4jHome,
            runner: createSpawnRunner({ env: withoutCredentials(deps.env) }),
          }
        : {}),
      database: settings.db ?? "neo4j",
      ...(settings.smokeQuery !== undefined
        ? { smoke: { cypher: settings.smokeQuery, minRows: settings.expectMinRows } }
        : {}),
      ...(settings.workDir !== undefined ? { workDir: settings.workDir } : {}),
      indexTimeoutMs: settings.indexTimeout,
      keepWorkspace: settings.keepWorkspace,
      dryRun: settings.dryRun,
      signal,
      onEvent: (event, fields) =>
        logger.log(
          level(event),
          event,
          Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
        ),
      onProgress: (p) => {
        progress.update(p);
        reclaim(p.bytes);
      },
    });
    progress.done();
    deps.onReport?.(report);
    await writeOutputs(report, settings, logger, deps.env);
    if (!report.ok) {
      const failure = report.failure!;
      throw new NbsError(failure.code, failure.message, failure.hint ? { hint: failure.hint } : {});
    }
    if (settings.record && client && report.outcome === "verified") {
      const { writeVerificationRecord } = await import("./record.js");
      const key = await writeVerificationRecord({ client, report, logger, signal });
      return { ...report, verification_record: key };
    }
    return { ...report };
  } finally {
    client?.destroy();
  }
}

async function writeOutputs(
  raw: VerifyReport,
  settings: ResolvedVerifySettings,
  logger: CliLogger,
  env: Record<string, string | undefined>,
): Promise<void> {
  // Files are outputs too: the same redaction as the logs and stdout.
  const report = redactValue(raw, createRedactor(secretValuesFrom(env))) as VerifyReport;
  if (settings.report !== undefined) {
    await writeFile(settings.report, `${JSON.stringify(report, null, 2)}\n`).catch(
      (error: NodeJS.ErrnoException) => {
        throw new NbsError(
          "REPORT_NOT_WRITABLE",
          `cannot write the report to ${settings.report}: ${error.code ?? error.message}`,
          { hint: "pass a writable path with --report" },
        );
      },
    );
    logger.log("info", "verify.report.written", { path: settings.report });
  }
  if (settings.summaryMd !== undefined) {
    // Appended: $GITHUB_STEP_SUMMARY collects every step's summary in one file.
    await appendSummary(settings.summaryMd, renderSummaryMarkdown(report));
  }
}
