import { s3ClientOptions, withoutCredentials, type CliLogger, type Outcome } from "@nbs/cli-kit";
import { NbsError } from "@nbs/errors";
import { parseSetManifest, setManifestKey, type SetManifest, type SetMember } from "@nbs/metadata";
import {
  createSpawnRunner,
  detectDumpFormat,
  isValidServiceName,
  loadDatabaseSet,
} from "@nbs/neo4j-admin";
import { createS3Client, getBackupStream, getSetManifest, latestSetManifest } from "@nbs/s3-store";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { RestoreSetSettings } from "./restore-set-settings.js";

export interface RestoreSetDeps {
  logger: CliLogger;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
}

/**
 * Restore a set: read its manifest (the newest committed one for `--set latest`; a set whose
 * manifest was never written is not a set), fetch every member into a private workspace and
 * prove each against the manifest's sha256 and size — one that fails stops everything before
 * Neo4j is touched (exit 5) — then stop the server once, keep a safety copy of each database,
 * load `system` first and the others after it, and start the server (loadDatabaseSet).
 */
export async function runRestoreSet(
  settings: RestoreSetSettings,
  deps: RestoreSetDeps,
): Promise<Outcome> {
  const { logger, env, signal } = deps;
  const service = settings.neo4jService;
  if (service !== undefined && !isValidServiceName(service))
    throw new NbsError(
      "NEO4J_SERVICE_INVALID",
      `invalid systemd unit name ${JSON.stringify(service)}`,
      {
        hint: "pass --neo4j-service as systemctl takes it, e.g. neo4j",
      },
    );
  const home = settings.neo4jHome!;
  const work = await mkdtemp(join(settings.workDir ?? tmpdir(), "nbs-restore-set-"));
  try {
    const fetched =
      settings.setFile !== undefined
        ? await fromFiles(settings.setFile, work, signal)
        : await fromBucket(settings, work, signal);
    const { manifest, source } = fetched;
    logger.log("info", "restore_set.verified", {
      set: manifest.id,
      source,
      members: manifest.members.map((m) => ({ db: m.db, sha256: m.sha256 })),
    });
    const password = env["NEO4J_PASSWORD"];
    const result = await loadDatabaseSet({
      home,
      service,
      members: ordered(manifest.members).map((m) => ({ db: m.db, dir: join(work, m.db) })),
      safetyDir: settings.safetyDir ?? join(home, "nbs-safety-copies"),
      // The server is started again by this run and outlives it: it gets no credential.
      runner: createSpawnRunner({ env: withoutCredentials(env) }),
      ...(settings.neo4jUri !== undefined && password !== undefined
        ? { bolt: { uri: settings.neo4jUri, user: settings.neo4jUser, password } }
        : {}),
      now: () => new Date(),
      signal,
    });
    return {
      outcome: "restored",
      set: manifest.id,
      source,
      databases: ordered(manifest.members).map((m) => m.db),
      safety_copies: result.safetyCopies,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** `system` first (users, roles and database definitions), then the others in manifest order. */
function ordered(members: readonly SetMember[]): SetMember[] {
  return [...members.filter((m) => m.db === "system"), ...members.filter((m) => m.db !== "system")];
}

async function fromFiles(manifestPath: string, work: string, signal: AbortSignal) {
  const text = await readFile(manifestPath, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new NbsError("RESTORE_FILE_UNREADABLE", `cannot read ${manifestPath}: ${error.code}`, {
      hint: "pass the set's manifest, <out-dir>/sets/<id>.json",
      cause: error,
    });
  });
  const manifest = parsed(text, manifestPath);
  const outDir = dirname(dirname(manifestPath));
  for (const member of manifest.members) {
    const target = await memberPath(work, member);
    // The bytes proven are the bytes loaded: the copy in the workspace is hashed, not the original.
    await copyFile(join(outDir, member.key), target).catch((error: NodeJS.ErrnoException) => {
      throw new NbsError(
        "RESTORE_FILE_UNREADABLE",
        `cannot read the member ${member.key} of the set: ${error.code}`,
        {
          hint: `the set's dumps must sit in ${outDir} beside sets/; nothing was stopped`,
          cause: error,
        },
      );
    });
    await prove(member, target, signal);
  }
  return { manifest, source: manifestPath };
}

async function fromBucket(settings: RestoreSetSettings, work: string, signal: AbortSignal) {
  const bucket = settings.bucket!;
  const client = createS3Client(s3ClientOptions(settings));
  try {
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
    for (const member of found.manifest.members) {
      const target = await memberPath(work, member);
      const got = await getBackupStream(client, bucket, member.key, signal);
      await pipeline(got.body, createWriteStream(target), { signal });
      await prove(member, target, signal);
    }
    return { manifest: found.manifest, source: `s3://${bucket}/${found.key}` };
  } finally {
    client.destroy();
  }
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
