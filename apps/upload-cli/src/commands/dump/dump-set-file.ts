import { sha256File } from "@nbs/checksum";
import type { Outcome } from "@nbs/cli-kit";
import { NbsError } from "@nbs/errors";
import { buildBackupMeta, setManifestKey, type SetMember } from "@nbs/metadata";
import { detectDumpFormat, dumpDatabase } from "@nbs/neo4j-admin";
import { access, mkdir } from "node:fs/promises";
import { basename, join } from "node:path";
import type { DumpDeps, SetPlan } from "./deps.js";
import type { DumpSettings } from "./settings.js";
import { writeLocalSidecar, writeNewFile } from "./local-sidecar.js";
import { dumpSetWindow, neo4jOf, setManifestOf } from "./set-window.js";
import { TOOL_DUMP } from "../../tool.js";
import { defaultCreatedBy } from "../../who.js";

/**
 * A local set: every member's `<db>-<id>.dump` and sidecar in the out-dir, then
 * `<out-dir>/sets/<id>.json` naming each (file name, sha256, size), written last and never
 * replaced. The set is the manifest: members without one (a member failed) are single dumps.
 * Uploading member files (upload_backup_to_s3.sh) stores them as single backups; a set in a
 * bucket is made by `--to-s3`.
 */
export async function runDumpSetToFiles(
  settings: DumpSettings,
  deps: DumpDeps,
  plan: SetPlan,
): Promise<Outcome> {
  const { logger, env, signal } = deps;
  if (!settings.outDir)
    throw new NbsError("SETTING_MISSING", "missing --out-dir", {
      hint: "pass --out-dir (where the set's dumps, sidecars and sets/<time>.json go), or --to-s3 --bucket B",
    });
  const outDir = settings.outDir;
  const manifestRel = setManifestKey("", plan.id);
  const manifestPath = join(outDir, manifestRel);
  if (settings.dryRun)
    return {
      outcome: "dry-run",
      set: plan.id,
      databases: plan.dbs,
      out_dir: outDir,
      manifest: manifestPath,
    };
  await mkdir(join(outDir, "sets"), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new NbsError(
      "OUT_DIR_NOT_WRITABLE",
      `cannot create ${join(outDir, "sets")}: ${error.code}`,
      {
        hint: "pass an --out-dir on a writable filesystem; Neo4j was not stopped",
        cause: error,
      },
    );
  });
  if (
    await access(manifestPath).then(
      () => true,
      () => false,
    )
  )
    throw new NbsError("KEY_CONFLICT", `${manifestPath} exists already; not replaced`, {
      hint: "another run took a set in the same second; run again. Neo4j was not stopped",
    });
  const createdBy = settings.createdBy ?? defaultCreatedBy(env);
  const started = Date.now();
  const neo4j = neo4jOf(plan.inst.version.raw, plan.inst.edition);
  const result = await dumpSetWindow(
    plan,
    logger,
    signal,
    async ({ db, stats }): Promise<SetMember & { file: string }> => {
      // The server is stopped: dumpDatabase dumps it as is and starts nothing.
      const dumped = await dumpDatabase({
        home: plan.inst.home,
        installation: plan.inst,
        service: plan.inst.service,
        db,
        outDir,
        runner: plan.runner,
        now: () => plan.createdAt,
        signal,
      });
      const digest = await sha256File(dumped.path, { signal });
      const format = await detectDumpFormat(dumped.path);
      const sidecar = await writeLocalSidecar(
        dumped.path,
        buildBackupMeta({
          sha256: digest.hex,
          size: digest.size,
          db_name: db,
          created_at: plan.createdAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
          created_by: createdBy,
          tool: TOOL_DUMP,
          dump_format: format.kind,
          neo4j,
          ...(stats ? { stats } : {}),
          set: { id: plan.id, manifest_key: manifestRel },
        }),
      );
      logger.log("info", "dump.set.member", { db, path: dumped.path, sha256: digest.hex });
      return {
        db,
        key: basename(dumped.path),
        sidecar_key: basename(sidecar),
        sha256: digest.hex,
        size: digest.size,
        file: dumped.path,
      };
    },
  );
  const manifest = setManifestOf(
    plan,
    result,
    createdBy,
    neo4j,
    result.members.map(({ dumped: { file: _, ...member } }) => member),
  );
  await writeNewFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  logger.log("info", "dump.set.committed", {
    manifest: manifestPath,
    duration_ms: Date.now() - started,
  });
  return {
    outcome: "dumped",
    set: plan.id,
    downtime_ms: result.downtimeMs ?? null,
    manifest: manifestPath,
    members: result.members.map((m) => ({
      db: m.db,
      file: m.dumped.file,
      sha256: m.dumped.sha256,
      size: m.dumped.size,
      stats: m.stats ?? null,
    })),
  };
}
