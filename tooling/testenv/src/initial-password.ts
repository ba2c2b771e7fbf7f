import { createHash, randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * What `neo4j-admin dbms set-initial-password <password>` writes, without starting two JVMs for
 * it (about 3 CPU-s on a small machine): `data/dbms/auth.ini` with the user `neo4j` and the
 * password hashed as Neo4j does (SHA-256 over salt and password, iterated 1024 times, hex).
 * A server reads it when it creates its system database, i.e. on its first start.
 */
export async function writeInitialPassword(
  home: string,
  password: string,
  salt: Buffer = randomBytes(32),
): Promise<void> {
  let hash = createHash("sha256").update(salt).update(password, "utf8").digest();
  for (let i = 1; i < 1024; i++) hash = createHash("sha256").update(hash).digest();
  const dir = join(home, "data", "dbms");
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, "auth.ini"),
    `neo4j:SHA-256,${hash.toString("hex")},${salt.toString("hex")},1024:\n`,
    { mode: 0o600 },
  );
}
