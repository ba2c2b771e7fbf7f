import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSpawnRunner, detectDumpFormat, locateNeo4j } from "@nbs/neo4j-admin";

// A stand-in installation so the example runs anywhere; point `home` at a real one instead.
const dir = await mkdtemp(join(tmpdir(), "nbs-neo4j-admin-example-"));
const home = join(dir, "neo4j");
await mkdir(join(home, "bin"), { recursive: true });
await mkdir(join(home, "lib"));
await writeFile(join(home, "lib", "neo4j-kernel-5.26.30.jar"), "");
await writeFile(join(home, "bin", "neo4j-admin"), "#!/bin/sh\necho 5.26.30\n");
await chmod(join(home, "bin", "neo4j-admin"), 0o755);

const runner = createSpawnRunner({ env: { PATH: process.env.PATH ?? "" } }); // what children inherit
const installation = await locateNeo4j({ home, runner });
console.log(installation.version.raw, installation.version.family, installation.edition);

// Is a file a Neo4j dump? By its first bytes: "DZV1" + a zstd frame is a 5.x dump.
const dump = join(dir, "neo4j-20261124T101500Z.dump");
await writeFile(dump, Buffer.from([0x44, 0x5a, 0x56, 0x31, 0x28, 0xb5, 0x2f, 0xfd]));
console.log(await detectDumpFormat(dump));

// Failures are NbsErrors with a specific code (docs/errors.md).
await locateNeo4j({ home: join(dir, "nowhere"), runner }).catch((error) => {
  console.log(error.code, error.category);
});
await rm(dir, { recursive: true });
