import { withoutCredentials, type Outcome } from "@nbs/cli-kit";
import { NbsError } from "@nbs/errors";
import { isValidDbName } from "@nbs/metadata";
import { createSpawnRunner, listOnlineDatabases, locateNeo4j } from "@nbs/neo4j-admin";
import type { DumpDeps, SetPlan } from "./deps.js";
import type { DumpSettings } from "./settings.js";
import { neo4jHomeOf } from "./neo4j-target.js";

/**
 * `nbs-upload dump --all-databases` or `--db a --db b`: every database in one stop window, each
 * with its own dump and sidecar, then the set's manifest, written last (the set's commit).
 */
export async function runDumpSet(settings: DumpSettings, deps: DumpDeps): Promise<Outcome> {
  const { logger, env, signal } = deps;
  const password = env["NEO4J_PASSWORD"];
  const bolt =
    settings.neo4jUri !== undefined && password !== undefined
      ? { uri: settings.neo4jUri, user: settings.neo4jUser, password }
      : undefined;
  if (settings.allDatabases && bolt === undefined)
    throw new NbsError("SETTING_MISSING", "--all-databases needs NEO4J_URI and NEO4J_PASSWORD", {
      hint: "set them so the online databases can be listed, or name each with --db (e.g. --db system --db neo4j)",
    });
  // Both work on one database's store and its recorded rate; a set is one window for all.
  if (settings.snapshot !== "off" || settings.maxDowntime !== undefined)
    throw new NbsError(
      "FLAGS_CONFLICT",
      `${settings.snapshot !== "off" ? "--snapshot" : "--max-downtime"} takes one database, not a set`,
      { hint: "dump the set without it (one stop window for all databases), or dump one --db" },
    );
  const home = neo4jHomeOf(settings);
  const named = settings.allDatabases ? [] : settings.db.split(",");
  const bad = named.find((db) => !isValidDbName(db));
  if (bad !== undefined)
    throw new NbsError("DB_NAME_INVALID", `invalid database name ${JSON.stringify(bad)}`, {
      hint: "pass each database with its own --db",
    });
  // Neo4j is started again by this run and outlives it: it gets no credential.
  const runner = createSpawnRunner({ env: withoutCredentials(env) });
  const inst = await locateNeo4j({
    home,
    runner,
    signal,
    ...(settings.neo4jService === undefined ? {} : { service: settings.neo4jService }),
  });
  logger.log("info", "dump.neo4j", {
    home: inst.home,
    ...(inst.service === undefined ? {} : { service: inst.service }),
    version: inst.version.raw,
    edition: inst.edition,
  });
  const dbs = settings.allDatabases ? await listOnlineDatabases(bolt!) : systemFirst(named);
  const createdAt = new Date(Math.floor(Date.now() / 1000) * 1000);
  const id = createdAt
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
  logger.log("info", "dump.set.plan", { id, databases: dbs });
  if (bolt === undefined)
    logger.log("warn", "dump.stats.skipped", {
      message:
        "no NEO4J_URI / NEO4J_PASSWORD: the sidecars will have no stats, and verify cannot compare counts",
    });
  const plan: SetPlan = { dbs, createdAt, id, runner, inst, bolt };
  if (settings.toS3) {
    const { runDumpSetToS3 } = await import("./dump-set-s3.js");
    return runDumpSetToS3(settings, deps, plan);
  }
  const { runDumpSetToFiles } = await import("./dump-set-file.js");
  return runDumpSetToFiles(settings, deps, plan);
}

/** `system` first (a restore loads it first: users, roles, database definitions), no repeats. */
function systemFirst(dbs: readonly string[]): string[] {
  const unique = [...new Set(dbs)];
  return [...unique.filter((d) => d === "system"), ...unique.filter((d) => d !== "system")];
}
