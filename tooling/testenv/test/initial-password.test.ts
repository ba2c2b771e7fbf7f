import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { writeInitialPassword } from "../src/initial-password.ts";

const homes: string[] = [];
afterEach(async () => {
  for (const home of homes.splice(0)) await rm(home, { recursive: true, force: true });
});

it("writes the auth.ini line neo4j-admin 5.26 writes for the same password and salt", async () => {
  const home = await mkdtemp(join(tmpdir(), "nbs-auth-"));
  homes.push(home);
  // `neo4j-admin dbms set-initial-password` wrote this salt and hash for this password.
  const salt = "96220313c8a8f34318f5519aa6c01794854655d6b97412cbc8f51cb166723c85";
  const hash = "5a4b0f0587a13dd5f52d016bf5e2101c30c69de78c63fce15c691f6662109587";
  await writeInitialPassword(home, "secretpw123", Buffer.from(salt, "hex"));
  const file = join(home, "data", "dbms", "auth.ini");
  expect(await readFile(file, "utf8")).toBe(`neo4j:SHA-256,${hash},${salt},1024:\n`);
  expect((await stat(file)).mode & 0o077).toBe(0);
});
