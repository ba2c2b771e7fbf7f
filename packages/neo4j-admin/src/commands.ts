import { join } from "node:path";
import { adminCommand, shortLived } from "./installation.js";
import type { Neo4jCommand, Neo4jInstallation } from "./installation.js";

/** File name neo4j-admin reads and writes for a database's dump, in every version. */
export function dumpFileName(database: string): string {
  return `${database}.dump`;
}

/** Dump a stopped database to `<targetDir>/<database>.dump`. */
export function buildDumpCommand(
  inst: Neo4jInstallation,
  database: string,
  targetDir: string,
): Neo4jCommand {
  if (inst.version.family === "4") {
    return adminCommand(inst, [
      "dump",
      `--database=${database}`,
      `--to=${join(targetDir, dumpFileName(database))}`,
    ]);
  }
  return adminCommand(inst, ["database", "dump", database, `--to-path=${targetDir}`]);
}

/** Dump a stopped database to standard output (Neo4j 5 and later); undefined on 4.x, which cannot. */
export function buildDumpToStdoutCommand(
  inst: Neo4jInstallation,
  database: string,
): Neo4jCommand | undefined {
  if (inst.version.family === "4") return undefined;
  return adminCommand(inst, ["database", "dump", database, "--to-stdout"]);
}

/** Load `<sourceDir>/<database>.dump` over the (stopped) database, replacing it. */
export function buildLoadCommand(
  inst: Neo4jInstallation,
  database: string,
  sourceDir: string,
): Neo4jCommand {
  if (inst.version.family === "4") {
    const from = join(sourceDir, dumpFileName(database));
    return adminCommand(inst, ["load", `--from=${from}`, `--database=${database}`, "--force"]);
  }
  return adminCommand(inst, [
    "database",
    "load",
    `--from-path=${sourceDir}`,
    database,
    "--overwrite-destination",
  ]);
}

/** Consistency-check a stopped database; the report (if any) goes to `reportDir`. */
export function buildCheckCommand(
  inst: Neo4jInstallation,
  database: string,
  reportDir: string,
): Neo4jCommand {
  if (inst.version.family === "4") {
    return adminCommand(inst, [
      "check-consistency",
      `--database=${database}`,
      `--report-dir=${reportDir}`,
    ]);
  }
  return adminCommand(inst, ["database", "check", database, `--report-path=${reportDir}`]);
}

/** Set the `neo4j` user's password before the first start. The password is marked secret. */
export function buildSetInitialPasswordCommand(
  inst: Neo4jInstallation,
  password: string,
): Neo4jCommand {
  const args =
    inst.version.family === "4"
      ? ["set-initial-password", password]
      : ["dbms", "set-initial-password", password];
  return shortLived(adminCommand(inst, args, [password]));
}

/** Print a stopped database's store facts as JSON (5.x; 4.x has no JSON form): undefined on 4.x. */
export function buildStoreInfoCommand(
  inst: Neo4jInstallation,
  database: string,
): Neo4jCommand | undefined {
  if (inst.version.family === "4") return undefined;
  return shortLived(adminCommand(inst, ["database", "info", "--format=json", database]));
}
