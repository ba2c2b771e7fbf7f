import { tmpdir } from "node:os";
import {
  sseOptions,
  storeClient,
  withoutCredentials,
  type Outcome,
  requireRegion,
} from "@nbs/cli-kit";
import { NbsError } from "@nbs/errors";
import {
  backupKey,
  isValidBucketName,
  normalizePrefix,
  sidecarKey,
  type ShrinkRecord,
} from "@nbs/metadata";
import { createSpawnRunner, dumpDatabaseToStream, locateNeo4j } from "@nbs/neo4j-admin";
import type { createS3Client } from "@nbs/s3-store";
import {
  backupStream,
  checkShrink,
  type ShrinkGuardInput,
  type SidecarFields,
  type StreamProgress,
} from "@nbs/s3-store";
import type { DumpDeps } from "./deps.js";
import { planStopWindow } from "./downtime-plan.js";
import type { DumpSettings } from "./settings.js";
import { objectLockRequest } from "../../object-lock-settings.js";
import { logRequests } from "../../request-log.js";
import { TOOL_DUMP } from "../../tool.js";
import { defaultCreatedBy } from "../../who.js";

const GiB = 1024 ** 3;

/**
 * `nbs-upload dump --to-s3`: the dump goes from `neo4j-admin database dump --to-stdout` straight
 * into a multipart upload — no local file. The key is checked free (which also proves the bucket
 * and credentials) before Neo4j is stopped; the upload is completed only after neo4j-admin exited
 * 0 and its output was read to the end; the object is verified, then the sidecar written last.
 * Neo4j is started again as soon as the dump process ended, whatever happened.
 */
export async function runDumpToS3(
  settings: DumpSettings,
  deps: DumpDeps & { createClient?: typeof createS3Client },
): Promise<Outcome> {
  const { logger, env, signal } = deps;
  if (settings.outDir !== undefined) {
    throw new NbsError("FLAGS_CONFLICT", "--to-s3 writes no local file, but --out-dir is set", {
      hint: "drop --out-dir (or unset NBS_OUT_DIR) to stream to S3, or drop --to-s3 to dump to a file",
    });
  }
  const bucket = settings.bucket;
  if (bucket === undefined || bucket === "") {
    throw new NbsError("SETTING_MISSING", "--to-s3 needs a bucket", {
      hint: "pass --bucket or set BACKUP_S3_BUCKET",
    });
  }
  if (!isValidBucketName(bucket)) {
    throw new NbsError("BUCKET_NAME_INVALID", `invalid bucket name ${JSON.stringify(bucket)}`, {
      hint: "S3 bucket names are 3-63 lowercase letters, digits, '.' and '-'",
    });
  }
  if (!settings.dryRun) requireRegion(settings.region);
  const sse = sseOptions(settings);
  const objectLock = objectLockRequest(settings, new Date());
  // Neo4j is started again by this run and outlives it: it gets no credential.
  const runner = createSpawnRunner({ env: withoutCredentials(env) });
  const locating = Date.now();
  const inst = await locateNeo4j({ home: settings.neo4jHome!, runner, signal });
  logger.log("info", "dump.neo4j", {
    home: inst.home,
    ...(settings.neo4jService === undefined ? {} : { service: settings.neo4jService }),
    version: inst.version.raw,
    edition: inst.edition,
    locate_ms: Date.now() - locating,
  });
  if (inst.version.family === "4") {
    throw new NbsError(
      "NEO4J_VERSION_UNSUPPORTED",
      `--to-s3 needs Neo4j 5 or later (neo4j-admin database dump --to-stdout); this is ${inst.version.raw}`,
      { hint: "dump to a file with --out-dir and upload it; Neo4j was not stopped" },
    );
  }
  // The key holds the dump time, as a dump file's name does (backupKey, docs/architecture.md §2).
  const createdAt = new Date(Math.floor(Date.now() / 1000) * 1000);
  const key = backupKey({
    prefix: normalizePrefix(settings.prefix),
    db: settings.db,
    createdAt,
    compression: "none",
  });
  const password = env["NEO4J_PASSWORD"];
  const uri = settings.neo4jUri;
  const plan = {
    bucket,
    key,
    sidecar_key: sidecarKey(key),
    sse: sse.mode,
    object_lock:
      objectLock.mode === "GOVERNANCE" || objectLock.mode === "COMPLIANCE"
        ? { mode: objectLock.mode, retain_until: objectLock.retainUntil.toISOString() }
        : objectLock.mode,
    part_size: settings.partSize,
    concurrency: settings.concurrency,
    max_bytes: settings.partSize * backupStream.MAX_PARTS,
  };
  if (settings.dryRun) {
    return {
      outcome: "dry-run",
      db: settings.db,
      ...plan,
      neo4j_home: inst.home,
      neo4j_version: inst.version.raw,
      stats: uri !== undefined && password !== undefined,
    };
  }
  if (sse.mode === "none") {
    logger.log("warn", "upload.sse.none", {
      message:
        "--sse none: nbs requests no server-side encryption; the backup is stored as the store's defaults leave it",
    });
  }
  if (uri === undefined || password === undefined) {
    logger.log("warn", "dump.stats.skipped", {
      message:
        "no NEO4J_URI / NEO4J_PASSWORD: the sidecar will have no stats, and verify cannot compare counts",
    });
  }
  const client = storeClient(settings, deps.createClient, {
    payloadSigning: settings.payloadSigning,
    maxSockets: settings.concurrency * 2 + 2,
  });
  if (settings.verbose) logRequests(client, logger);
  try {
    // Before Neo4j stops: a taken key, a wrong bucket or bad credentials stop nothing.
    await backupStream.assertObjectLock(client, bucket, objectLock, signal);
    await backupStream.assertKeyFree(client, bucket, key, signal);
    logger.log("info", "dump.plan", plan);
    const window = await planStopWindow({
      settings,
      inst,
      defaultSnapshotDir: tmpdir(),
      env,
      logger,
    });
    const started = Date.now();
    const onProgress = streamProgress(logger, started);
    const result = await dumpDatabaseToStream({
      home: inst.home,
      installation: inst,
      service: settings.neo4jService,
      db: settings.db,
      runner,
      now: () => createdAt,
      signal,
      ...(window.snapshot ? { snapshot: window.snapshot } : {}),
      onRestarted: window.onRestarted,
      onStep: window.onStep,
      ...(uri !== undefined && password !== undefined
        ? { bolt: { uri, user: settings.neo4jUser, password } }
        : {}),
      consume: (dump) => {
        const stats = dump.info.stats;
        if (stats?.exact === false)
          logger.log("warn", "dump.stats.inexact", {
            message:
              "transactions were committed between counting and the stop: the counts do not describe the dump, and verify will not compare them",
            counted_at_tx: stats.counted_at_tx,
            dumped_at_tx: stats.dumped_at_tx,
          });
        const meta: SidecarFields = {
          db_name: settings.db,
          created_at: createdAt,
          created_by: settings.createdBy ?? defaultCreatedBy(env),
          ...(settings.commitSha ? { commit_sha: settings.commitSha } : {}),
          ...(settings.retentionDays === undefined
            ? {}
            : { retention_days: settings.retentionDays }),
          tool: TOOL_DUMP,
          neo4j: {
            version: dump.info.neo4j.version,
            ...(dump.info.neo4j.edition === "unknown" ? {} : { edition: dump.info.neo4j.edition }),
          },
          ...(stats ? { stats } : {}),
        };
        const counted = countBytes(dump.bytes);
        return backupStream({
          client,
          bucket,
          key,
          sse,
          objectLock,
          meta,
          source: counted.bytes,
          // Only after neo4j-admin exited 0 is the upload completed (and then committed); the
          // sidecar also waits for the restarted server to answer, to record the downtime.
          finish: async () => {
            await dump.exited;
            const format = dump.format();
            const downtimeMs = await dump.downtime;
            // The shrink guard needs the size: known now, before the sidecar is written.
            const shrink = await guardShrink({
              client,
              bucket,
              prefix: normalizePrefix(settings.prefix),
              db: settings.db,
              key,
              createdAt,
              to: {
                ...(stats ? { nodes: stats.nodes, relationships: stats.relationships } : {}),
                size: counted.size(),
              },
              maxShrink: settings.maxShrink,
              signal,
              onEvent: (event, fields, level) => logger.log(level ?? "debug", event, fields),
            });
            return {
              ...(format && format.kind !== "unknown" ? { dump_format: format.kind } : {}),
              ...(shrink ? { shrink } : {}),
              ...(downtimeMs === undefined ? {} : { downtime_ms: downtimeMs }),
            };
          },
          partSize: settings.partSize,
          concurrency: settings.concurrency,
          partChecksum: settings.partChecksum,
          signal,
          onProgress,
          onEvent: (event, fields, level) => logger.log(level ?? "debug", event, fields),
        });
      },
    });
    const stored = result.consumed;
    logger.log("info", "dump.streamed", {
      key: stored.key,
      size: stored.size,
      duration_ms: Date.now() - started,
    });
    await window.record(result.downtimeMs);
    return {
      outcome: stored.status,
      bucket: stored.bucket,
      key: stored.key,
      sidecar_key: stored.sidecarKey,
      sha256: stored.sha256,
      size: stored.size,
      sse: stored.meta.storage?.sse ?? sse.mode,
      ...(stored.meta.object_lock ? { object_lock: stored.meta.object_lock } : {}),
      parts: stored.meta.storage?.parts ?? 1,
      part_size: settings.partSize,
      db: settings.db,
      neo4j_version: result.neo4j.version,
      stats: stored.meta.stats ?? null,
      ...(stored.meta.shrink ? { shrink: stored.meta.shrink } : {}),
      downtime_ms: result.downtimeMs ?? null,
      ...window.snapshotResult(),
    };
  } finally {
    client.destroy();
  }
}

/** An info event per GiB read (the total is unknown until the dump ends). */
function streamProgress(logger: DumpDeps["logger"], started: number) {
  let next = GiB;
  return (p: StreamProgress): void => {
    logger.log("debug", "dump.part", { parts: p.partsDone, bytes_sent: p.bytesSent });
    if (p.bytesRead < next) return;
    next = (Math.floor(p.bytesRead / GiB) + 1) * GiB;
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    logger.log("info", "dump.progress", {
      bytes_read: p.bytesRead,
      bytes_sent: p.bytesSent,
      parts: p.partsDone,
      bytes_per_second: Math.round(p.bytesRead / seconds),
    });
  };
}

/** The dump's bytes passed through unchanged, counted (the stream's length is known only at its end). */
function countBytes(source: AsyncIterable<Uint8Array>) {
  let size = 0;
  async function* bytes(): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      size += chunk.byteLength;
      yield chunk;
    }
  }
  return { bytes: bytes(), size: () => size };
}

async function guardShrink(input: ShrinkGuardInput): Promise<ShrinkRecord | undefined> {
  const check = await checkShrink(input);
  return check.state === "shrunk" ? check.shrink : undefined;
}
