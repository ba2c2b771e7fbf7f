import type { Driver } from "neo4j-driver";
import type { CommandFamily } from "./version.js";

/** Where a running server says it lives: its home and data directory, as it resolved them. */
export interface ServerDirectories {
  home?: string;
  dataDir?: string;
}

/**
 * Ask the server at the other end of `driver` for its home and data directories
 * (`SHOW SETTINGS` on 5.x and later, `dbms.listConfig` on 4.x). Both need an admin user;
 * a refusal is thrown as the driver raised it.
 */
export async function askServerDirectories(
  driver: Driver,
  family: CommandFamily,
): Promise<ServerDirectories> {
  const p = family === "4" ? "dbms" : "server";
  const names = { home: `${p}.directories.neo4j_home`, dataDir: `${p}.directories.data` };
  const query =
    family === "4"
      ? "CALL dbms.listConfig() YIELD name, value WHERE name IN $names RETURN name, value"
      : "SHOW SETTINGS YIELD name, value WHERE name IN $names RETURN name, value";
  const { records } = await driver.executeQuery(
    query,
    { names: Object.values(names) },
    { database: "system" },
  );
  const value = (name: string): string | undefined => {
    const found: unknown = records.find((r) => r.get("name") === name)?.get("value");
    return typeof found === "string" && found !== "" ? found : undefined;
  };
  const home = value(names.home);
  const dataDir = value(names.dataDir);
  return { ...(home ? { home } : {}), ...(dataDir ? { dataDir } : {}) };
}
