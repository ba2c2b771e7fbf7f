import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import { createEphemeralNeo4j, describeInteg, type EphemeralNeo4j } from "../src/index.ts";
import { repoRoot } from "../src/services-env.ts";

const run = promisify(execFile);

// tooling/dev.sh passes this archive to every Neo4j JVM of the tests (JAVA_OPTS); built here when
// missing (`dev.sh test` builds it before the integration suites, so then this is a check).
describeInteg("Neo4j class data sharing (tooling/services/neo4j-cds.sh)", () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it("builds an archive from which neo4j-admin's JVMs map Neo4j's classes", async () => {
    const script = join(repoRoot, "tooling", "services", "neo4j-cds.sh");
    const archive = (await run("bash", [script, "build"], { maxBuffer: 1 << 24 })).stdout.trim();
    const db: EphemeralNeo4j = await createEphemeralNeo4j();
    cleanup.push(() => db.remove());
    const logs = await mkdtemp(join(tmpdir(), "nbs-cds-"));
    cleanup.push(() => rm(logs, { recursive: true, force: true }));
    // -Xshare:on: a JVM that cannot map the archive fails to start instead of going on without.
    const opts = `-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:SharedArchiveFile=${archive} -Xshare:on`;
    await run(join(db.home, "bin", "neo4j-admin"), ["server", "validate-config"], {
      env: {
        ...process.env,
        NEO4J_HOME: db.home,
        NEO4J_CONF: join(db.home, "conf"),
        JAVA_OPTS: `${opts} -Xlog:class+load=info:file=${logs}/classes-%p.log`,
      },
    });
    const files = await readdir(logs);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const log = await readFile(join(logs, file), "utf8");
      expect(log).toMatch(/ org\.neo4j\.\S+ source: shared objects file/);
    }
  });
});
