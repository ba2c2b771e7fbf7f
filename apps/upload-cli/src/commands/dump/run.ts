import { sha256File } from "@nbs/checksum";
import { withoutCredentials, type Outcome } from "@nbs/cli-kit";
import { buildBackupMeta, isValidDbName, serializeBackupMeta } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import { createSpawnRunner, detectDumpFormat, dumpDatabase, locateNeo4j } from "@nbs/neo4j-admin";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { planStopWindow } from "./downtime-plan.js";
import type { DumpDeps } from "./deps.js";
import type { DumpSettings } from "./settings.js";
import { neo4jHomeOf } from "./neo4j-target.js";
import { TOOL_DUMP } from "../../tool.js";
import { defaultCreatedBy } from "../../who.js";

/** Take a dump of a local Neo4j the way Community requires, and write its local sidecar beside it. */
export async function runDump(settings: DumpSettings, deps: DumpDeps): Promise<Outcome> {
  const { logger, env, signal } = deps;
  // Several databases (repeated --db, or --all-databases): one stop window, a set.
  if (settings.allDatabases || settings.db.includes(",")) {
    const { runDumpSet } = await import("./dump-set.js");
    return runDumpSet(settings, deps);
  }
  if (!isValidDbName(settings.db))
    throw new NbsError("DB_NAME_INVALID", `invalid database name ${JSON.stringify(settings.db)}`, {
      hint: "pass --db",
    });
  const home = neo4jHomeOf(settings);
  if (settings.toS3) {
    const { runDumpToS3 } = await import("./dump-s3.js");
    return runDumpToS3(settings, deps);
  }
  if (!settings.outDir)
    throw new NbsError("SETTING_MISSING", "missing --out-dir", {
      hint: "pass --out-dir (where the dump and its .meta.json go), or --to-s3 --bucket B to stream it to S3",
    });
  // Neo4j is started again by this run and outlives it: it gets no credential.
  const runner = createSpawnRunner({ env: withoutCredentials(env) });
  const password = env["NEO4J_PASSWORD"];
  const locating = Date.now();
  const inst = await locateNeo4j({ home, runner, signal });
  const service = settings.neo4jService;
  logger.log("info", "dump.neo4j", {
    home: inst.home,
    ...(settings.neo4jService === undefined ? {} : { service: settings.neo4jService }),
    version: inst.version.raw,
    edition: inst.edition,
    locate_ms: Date.now() - locating,
  });
  if (settings.dryRun) {
    return {
      outcome: "dry-run",
      db: settings.db,
      out_dir: settings.outDir,
      neo4j_home: inst.home,
      neo4j_version: inst.version.raw,
      stats: settings.neo4jUri !== undefined && password !== undefined,
    };
  }
  const outDir = settings.outDir;
  await mkdir(outDir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new NbsError(
      "OUT_DIR_NOT_WRITABLE",
      `cannot create the out-dir ${outDir}: ${error.code}`,
      {
        hint: "pass an --out-dir on a writable filesystem; Neo4j was not stopped",
        cause: error,
      },
    );
  });
  const uri = settings.neo4jUri;
  if (uri === undefined || password === undefined) {
    logger.log("warn", "dump.stats.skipped", {
      message:
        "no NEO4J_URI / NEO4J_PASSWORD: the sidecar will have no stats, and verify cannot compare counts",
    });
  }
  const window = await planStopWindow({
    settings,
    inst,
    defaultSnapshotDir: outDir,
    env,
    logger,
  });
  const started = Date.now();
  const result = await dumpDatabase({
    home: inst.home,
    installation: inst,
    service,
    db: settings.db,
    outDir: settings.outDir,
    runner,
    now: () => new Date(),
    signal,
    ...(window.snapshot ? { snapshot: window.snapshot } : {}),
    onRestarted: window.onRestarted,
    onStep: window.onStep,
    ...(uri !== undefined && password !== undefined
      ? { bolt: { uri, user: settings.neo4jUser, password } }
      : {}),
  });
  logger.log("info", "dump.written", { path: result.path, duration_ms: Date.now() - started });
  await window.record(result.downtimeMs);
  if (result.stats?.exact === false)
    logger.log("warn", "dump.stats.inexact", {
      message:
        "transactions were committed between counting and the stop: the counts do not describe the dump, and verify will not compare them",
      counted_at_tx: result.stats.counted_at_tx,
      dumped_at_tx: result.stats.dumped_at_tx,
    });
  const digest = await sha256File(result.path, { signal });
  const format = await detectDumpFormat(result.path);
  const meta = buildBackupMeta({
    sha256: digest.hex,
    size: digest.size,
    db_name: settings.db,
    created_at: result.createdAt.replace(/\.\d{3}Z$/, "Z"),
    created_by: settings.createdBy ?? defaultCreatedBy(env),
    tool: TOOL_DUMP,
    dump_format: format.kind,
    neo4j: {
      version: result.neo4j.version,
      ...(result.neo4j.edition === "unknown" ? {} : { edition: result.neo4j.edition }),
    },
    ...(result.stats ? { stats: result.stats } : {}),
    ...(result.downtimeMs === undefined ? {} : { downtime_ms: result.downtimeMs }),
  });
  // Written to a temp name and renamed, so a half-written sidecar never sits next to a dump.
  const sidecar = `${result.path}.meta.json`;
  try {
    await writeFile(`${sidecar}.tmp`, serializeBackupMeta(meta), { mode: 0o640 });
    await rename(`${sidecar}.tmp`, sidecar);
  } catch (error) {
    // A dump without its sidecar is not what this command promises: leave neither behind.
    await rm(`${sidecar}.tmp`, { force: true });
    await rm(result.path, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw new NbsError(
      code === "ENOSPC" ? "DISK_FULL" : "LOCAL_WRITE_FAILED",
      `cannot write the local sidecar in ${outDir}: ${code === "ENOSPC" ? "no space left (ENOSPC)" : code}; the dump was removed`,
      { hint: "free space in --out-dir (or use another) and take the backup again", cause: error },
    );
  }
  return {
    outcome: "dumped",
    file: result.path,
    sidecar,
    sha256: digest.hex,
    size: digest.size,
    db: settings.db,
    neo4j_version: result.neo4j.version,
    stats: meta.stats ?? null,
    downtime_ms: result.downtimeMs ?? null,
    ...window.snapshotResult(),
  };
}
