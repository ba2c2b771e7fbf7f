import { existsSync } from "node:fs";
import { join } from "node:path";
import { neo4jInstallDir } from "@nbs/testenv";

/**
 * The Neo4j installation integration tests drive: NBS_NEO4J_INSTALL, else the one
 * `pnpm services up` caches. Throws (the suite fails loudly) when neither is usable.
 */
export function integInstallDir(): string {
  const dir = process.env["NBS_NEO4J_INSTALL"] ?? neo4jInstallDir();
  if (!existsSync(join(dir, "bin", "neo4j-admin")) || !existsSync(join(dir, "lib"))) {
    throw new Error(
      `no Neo4j installation at ${dir} (bin/neo4j-admin and lib/ expected): run \`pnpm services up\`, ` +
        "set NBS_NEO4J_INSTALL, or set NBS_SKIP_INTEG=1 to skip locally",
    );
  }
  return dir;
}
