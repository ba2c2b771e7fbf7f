import type { S3Client } from "@aws-sdk/client-s3";
import { s3ClientOptions, withoutCredentials, type CliLogger, type Outcome } from "@nbs/cli-kit";
import { NbsError, isNbsError } from "@nbs/errors";
import { parseSetManifest, setManifestKey, type SetManifest, type SetMember } from "@nbs/metadata";
import { createSpawnRunner, detectDumpFormat, loadDatabaseSet } from "@nbs/neo4j-admin";
import { preflightRestoreSet } from "@nbs/verify";
import { createS3Client, getBackupStream, getSetManifest, latestSetManifest } from "@nbs/s3-store";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { RestoreSetSettings } from "./settings.js";
import { writeSetSummary } from "./summary.js";
import { boltDriver, failureOf } from "../../outputs.js";

export interface RestoreSetDeps {
  logger: CliLogger;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
}

/** A set found, not yet fetched: its manifest and how to bring one member into the workspace. */
interface FoundSet {
  manifest: SetManifest;
  source: string;
  fetch: (member: SetMember, target: string) => Promise<void>;
}

/**
 * Restore a set: read its manifest (the newest committed one for `--set latest`; a set whose
 * manifest was never written is not a set), run the guards of `nbs-verify restore` (the Bolt URI
 * is the server of --neo4j-home, the set is not of a newer Neo4j, the data directory holds 3× the
 * members) — `--dry-run` stops there with the plan — then fetch every member into a private
 * workspace and prove each against the manifest's sha256 and size — one that fails stops
 * everything before Neo4j is touched (exit 5) — then stop the server once, keep a safety copy of
 * each database, load `system` first and the others after it, and start the server (loadDatabaseSet).
 */
export async function runRestoreSet(
  settings: RestoreSetSettings,
  deps: RestoreSetDeps,
): Promise<Outcome> {
  const { logger, env, signal } = deps;
  const home = settings.neo4jHome!;
  const uri = settings.neo4jUri!;
  const client =
    settings.setFile === undefined ? createS3Client(s3ClientOptions(settings)) : undefined;
  // The server is started again by this run and outlives it: it gets no credential.
  const runner = createSpawnRunner({ env: withoutCredentials(env) });
  let report: Record<string, unknown> | undefined;
  let work: string | undefined;
  try {
    const found =
      settings.setFile !== undefined
        ? await fromFiles(settings.setFile)
        : await fromBucket(settings, client!, signal);
    const { manifest, source } = found;
    const members = ordered(manifest.members);
    const preflight = await preflightRestoreSet({
      neo4jHome: home,
      service: settings.neo4jService,
      runner,
      connect: () => boltDriver(uri, settings.neo4jUser, env["NEO4J_PASSWORD"] ?? ""),
      uri,
      neo4jVersion: manifest.neo4j?.version,
      memberSizes: members.map((m) => m.size),
      signal,
    });
    const { inst, ...checked } = preflight;
    const safetyDir = settings.safetyDir ?? join(home, "nbs-safety-copies");
    logger.log("info", "restore_set.preflight", { set: manifest.id, source, ...checked });
    report = {
      outcome: "dry-run",
      set: manifest.id,
      source,
      neo4j_home: inst.home,
      ...(inst.service !== undefined ? { neo4j_service: inst.service } : {}),
      databases: members.map((m) => m.db),
      preflight: checked,
      safety_dir: safetyDir,
    };
    if (settings.dryRun) {
      report["plan"] = [
        `fetch ${members.length} member(s) into a private workspace and compare each with the manifest's sha256 and size`,
        `stop Neo4j once (${manualStop(inst)})`,
        `dump each database it replaces to ${safetyDir}`,
        `load ${members.map((m) => m.db).join(", ")} in that order`,
        "start Neo4j (always) and wait for Bolt",
      ];
      await writeSetSummary(settings.summaryMd, env, report);
      return report as Outcome;
    }
    work = await mkdtemp(join(settings.workDir ?? tmpdir(), "nbs-restore-set-"));
    for (const member of members) {
      const target = await memberPath(work, member);
      await found.fetch(member, target);
      await prove(member, target, signal);
    }
    logger.log("info", "restore_set.verified", {
      set: manifest.id,
      source,
      members: members.map((m) => ({ db: m.db, sha256: m.sha256 })),
    });
    // The same login before the stop (the same-server proof) and after the start (the restored
    // system's users): a server whose users differ from the set's is stopped first by the operator.
    const password = env["NEO4J_PASSWORD"];
    const result = await loadDatabaseSet({
      home,
      service: settings.neo4jService,
      members: members.map((m) => ({ db: m.db, dir: join(work!, m.db) })),
      safetyDir,
      runner,
      ...(password !== undefined ? { bolt: { uri, user: settings.neo4jUser, password } } : {}),
      now: () => new Date(),
      signal,
    });
    report = { ...report, outcome: "restored", safety_copies: result.safetyCopies };
    await writeSetSummary(settings.summaryMd, env, report);
    return report as Outcome;
  } catch (error) {
    if (isNbsError(error))
      await writeSetSummary(settings.summaryMd, env, report, failureOf(error)).catch(
        () => undefined,
      );
    throw error;
  } finally {
    client?.destroy();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  }
}

function manualStop(inst: { home: string; service?: string }): string {
  return inst.service === undefined
    ? `${inst.home}/bin/neo4j stop`
    : `systemctl stop ${inst.service}`;
}

/** `system` first (users, roles and database definitions), then the others in manifest order. */
function ordered(members: readonly SetMember[]): SetMember[] {
  return [...members.filter((m) => m.db === "system"), ...members.filter((m) => m.db !== "system")];
}

async function fromFiles(manifestPath: string): Promise<FoundSet> {
  const text = await readFile(manifestPath, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new NbsError("RESTORE_FILE_UNREADABLE", `cannot read ${manifestPath}: ${error.code}`, {
      hint: "pass the set's manifest, <out-dir>/sets/<id>.json",
      cause: error,
    });
  });
  const manifest = parsed(text, manifestPath);
  const outDir = dirname(dirname(manifestPath));
  // The bytes proven are the bytes loaded: the copy in the workspace is hashed, not the original.
  const fetch = (member: SetMember, target: string) =>
    copyFile(join(outDir, member.key), target).catch((error: NodeJS.ErrnoException) => {
      throw new NbsError(
        "RESTORE_FILE_UNREADABLE",
        `cannot read the member ${member.key} of the set: ${error.code}`,
        {
          hint: `the set's dumps must sit in ${outDir} beside sets/; nothing was stopped`,
          cause: error,
        },
      );
    });
  return { manifest, source: manifestPath, fetch };
}

async function fromBucket(
  settings: RestoreSetSettings,
  client: S3Client,
  signal: AbortSignal,
): Promise<FoundSet> {
  const bucket = settings.bucket!;
  const set = settings.set!;
  const found =
    set === "latest"
      ? await latestSetManifest({ client, bucket, prefix: settings.prefix, signal })
      : await (async () => {
          const key = set.includes("/") ? set : setManifestKey(settings.prefix, set);
          const manifest = await getSetManifest(client, bucket, key, signal);
          return manifest && { key, manifest };
        })();
  if (found === undefined)
    throw new NbsError(
      "NO_SUCH_KEY",
      `no committed set ${set === "latest" ? `under ${settings.prefix || "the bucket root"}` : set} in s3://${bucket}`,
      {
        hint: "a set exists only once its manifest <prefix>/sets/<id>.json does; list them with aws s3 ls",
      },
    );
  const fetch = async (member: SetMember, target: string) => {
    const got = await getBackupStream(client, bucket, member.key, signal);
    await pipeline(got.body, createWriteStream(target), { signal });
  };
  return { manifest: found.manifest, source: `s3://${bucket}/${found.key}`, fetch };
}

function parsed(text: string, where: string): SetManifest {
  const result = parseSetManifest(text);
  if (!result.ok)
    throw new NbsError(
      "SET_MANIFEST_INVALID",
      `${where} is not a valid set manifest: ${result.reason}`,
      {
        hint: "pass the manifest nbs wrote (sets/<id>.json); nothing was stopped",
      },
    );
  return result.value;
}

async function memberPath(work: string, member: SetMember): Promise<string> {
  await mkdir(join(work, member.db));
  return join(work, member.db, `${member.db}.dump`);
}

async function prove(member: SetMember, path: string, signal: AbortSignal): Promise<void> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(path, { signal }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  const digest = { hex: hash.digest("hex"), size };
  if (digest.hex !== member.sha256 || digest.size !== member.size)
    throw new NbsError(
      "RESTORE_BYTES_MISMATCH",
      `the member ${member.db} (${member.key}) differs from the set's manifest: sha256 ${digest.hex}, ${digest.size} bytes; recorded ${member.sha256}, ${member.size} bytes`,
      { hint: "nothing was stopped or loaded; restore another set and investigate this one" },
    );
  if ((await detectDumpFormat(path)).kind === "unknown")
    throw new NbsError(
      "RESTORE_NOT_A_DUMP",
      `the member ${member.db} (${member.key}) is not a Neo4j dump`,
      {
        hint: "nothing was stopped or loaded",
      },
    );
}
