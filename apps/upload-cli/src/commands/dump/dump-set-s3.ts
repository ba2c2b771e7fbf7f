import { sseOptions, storeClient, type Outcome, requireRegion } from "@nbs/cli-kit";
import { NbsError } from "@nbs/errors";
import {
  backupKey,
  isValidBucketName,
  normalizePrefix,
  setManifestKey,
  type SetMember,
} from "@nbs/metadata";
import { dumpDatabaseToStream } from "@nbs/neo4j-admin";
import type { createS3Client } from "@nbs/s3-store";
import { backupStream, getSetManifest, putSetManifest } from "@nbs/s3-store";
import type { DumpDeps, SetPlan } from "./deps.js";
import type { DumpSettings } from "./settings.js";
import { dumpSetWindow, neo4jOf, setManifestOf } from "./set-window.js";
import { logRequests } from "../../request-log.js";
import { TOOL_DUMP } from "../../tool.js";
import { defaultCreatedBy } from "../../who.js";

/**
 * A set in the bucket: each member streamed to `<prefix>/<db>/<db>-<id>.dump` and committed
 * with its sidecar (which names the set), all in one stop window; then `<prefix>/sets/<id>.json`
 * with every member's key and sha256, written last with If-None-Match: the set's commit. Every
 * key (members and manifest) is checked free before Neo4j stops.
 */
export async function runDumpSetToS3(
  settings: DumpSettings,
  deps: DumpDeps & { createClient?: typeof createS3Client },
  plan: SetPlan,
): Promise<Outcome> {
  const { logger, env, signal } = deps;
  if (settings.outDir !== undefined)
    throw new NbsError("FLAGS_CONFLICT", "--to-s3 writes no local file, but --out-dir is set", {
      hint: "drop --out-dir (or unset NBS_OUT_DIR) to stream to S3, or drop --to-s3 to dump to files",
    });
  const bucket = settings.bucket;
  if (bucket === undefined || !isValidBucketName(bucket))
    throw new NbsError(
      "BUCKET_NAME_INVALID",
      `invalid or missing bucket ${JSON.stringify(bucket ?? "")}`,
      {
        hint: "pass --bucket or set BACKUP_S3_BUCKET (3-63 lowercase letters, digits, '.' and '-')",
      },
    );
  if (!settings.dryRun) requireRegion(settings.region);
  const sse = sseOptions(settings);
  const prefix = normalizePrefix(settings.prefix);
  const manifestKey = setManifestKey(prefix, plan.id);
  const keys = new Map(
    plan.dbs.map((db) => [
      db,
      backupKey({ prefix, db, createdAt: plan.createdAt, compression: "none" }),
    ]),
  );
  if (settings.dryRun)
    return {
      outcome: "dry-run",
      set: plan.id,
      bucket,
      manifest_key: manifestKey,
      keys: Object.fromEntries(keys),
    };
  const client = storeClient(settings, deps.createClient, {
    payloadSigning: settings.payloadSigning,
    maxSockets: settings.concurrency * 2 + 2,
  });
  if (settings.verbose) logRequests(client, logger);
  const createdBy = settings.createdBy ?? defaultCreatedBy(env);
  try {
    // Before Neo4j stops: a taken key, a wrong bucket or bad credentials stop nothing.
    for (const key of keys.values()) await backupStream.assertKeyFree(client, bucket, key, signal);
    if ((await getSetManifest(client, bucket, manifestKey, signal)) !== undefined)
      throw new NbsError(
        "KEY_CONFLICT",
        `a set manifest is already at s3://${bucket}/${manifestKey}`,
        {
          hint: "another run took a set in the same second; run again. Neo4j was not stopped",
        },
      );
    const started = Date.now();
    const result = await dumpSetWindow(
      plan,
      logger,
      signal,
      async ({ db, stats }): Promise<SetMember> => {
        const key = keys.get(db)!;
        // The server is stopped: the stream dumps it as is and starts nothing.
        const streamed = await dumpDatabaseToStream({
          home: plan.inst.home,
          installation: plan.inst,
          service: plan.inst.service,
          db,
          runner: plan.runner,
          now: () => plan.createdAt,
          signal,
          consume: (dump) =>
            backupStream({
              client,
              bucket,
              key,
              sse,
              meta: {
                db_name: db,
                created_at: plan.createdAt,
                created_by: createdBy,
                ...(settings.commitSha ? { commit_sha: settings.commitSha } : {}),
                ...(settings.retentionDays === undefined
                  ? {}
                  : { retention_days: settings.retentionDays }),
                tool: TOOL_DUMP,
                neo4j: neo4jOf(dump.info.neo4j.version, plan.inst.edition),
                ...(stats ? { stats } : {}),
                set: { id: plan.id, manifest_key: manifestKey },
              },
              source: dump.bytes,
              finish: async () => {
                await dump.exited;
                const format = dump.format();
                return format && format.kind !== "unknown" ? { dump_format: format.kind } : {};
              },
              partSize: settings.partSize,
              concurrency: settings.concurrency,
              partChecksum: settings.partChecksum,
              signal,
              onEvent: (event, fields, level) => logger.log(level ?? "debug", event, fields),
            }),
        });
        const stored = streamed.consumed;
        logger.log("info", "dump.set.member", { db, key: stored.key, sha256: stored.sha256 });
        return {
          db,
          key: stored.key,
          sidecar_key: stored.sidecarKey,
          sha256: stored.sha256,
          size: stored.size,
        };
      },
    );
    const manifest = setManifestOf(
      plan,
      result,
      createdBy,
      neo4jOf(result.neo4j.version, result.neo4j.edition),
      result.members.map((m) => m.dumped),
    );
    await putSetManifest({ client, bucket, prefix, manifest, sse, signal });
    logger.log("info", "dump.set.committed", {
      manifest_key: manifestKey,
      duration_ms: Date.now() - started,
    });
    return {
      outcome: "uploaded",
      set: plan.id,
      bucket,
      manifest_key: manifestKey,
      downtime_ms: result.downtimeMs ?? null,
      members: result.members.map((m) => ({ ...m.dumped, stats: m.stats ?? null })),
    };
  } finally {
    client.destroy();
  }
}
