import { NbsError } from "@nbs/errors";
import { connectBolt, type BoltConnection } from "./bolt.js";

/**
 * The databases a running server serves now (`currentStatus` online), `system` first, then by
 * name: what `--all-databases` dumps (Community: system and its one user database). Composite
 * databases hold no store and are left out. STATS_FAILED when the server cannot be asked.
 */
export async function listOnlineDatabases(connection: BoltConnection): Promise<string[]> {
  const driver = connectBolt(connection);
  try {
    const { records } = await driver.executeQuery(
      "SHOW DATABASES YIELD name, type, currentStatus WHERE currentStatus = 'online' AND type <> 'composite' RETURN DISTINCT name",
      {},
      { database: "system" },
    );
    const names = records.map((r) => String(r.get("name")));
    return [...names.filter((n) => n === "system"), ...names.filter((n) => n !== "system").sort()];
  } catch (error) {
    throw new NbsError(
      "STATS_FAILED",
      `cannot list the online databases: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      {
        hint: "check NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD, or name the databases with --db",
        cause: error,
      },
    );
  } finally {
    await driver.close();
  }
}
