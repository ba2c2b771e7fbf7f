import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./temp-dir.ts";

export interface FakeInstallOptions {
  /** What bin/neo4j and bin/neo4j-admin exit with if run: 99 (a fake runner answers instead). */
  exitCode?: number;
  /** Jars in lib/ (the version is read from neo4j-kernel-<version>.jar). */
  jars?: string[];
  /** conf/neo4j.conf's text; no file when not given. */
  conf?: string;
  /** bin/neo4j's and bin/neo4j-admin's text instead (then `exitCode` is not used). */
  script?: string;
}

/** A directory shaped like a Neo4j 5.26.30 installation: bin scripts, lib jars, conf/. */
export function fakeNeo4jInstall(options: FakeInstallOptions = {}): string {
  const { exitCode = 99, jars = ["neo4j-kernel-5.26.30.jar"], conf } = options;
  const script = options.script ?? `#!/bin/sh\nexit ${exitCode}\n`;
  const home = tempDir("nbs-fake-neo4j-");
  for (const dir of ["bin", "lib", "conf"]) mkdirSync(join(home, dir));
  for (const tool of ["neo4j-admin", "neo4j"])
    writeFileSync(join(home, "bin", tool), script, { mode: 0o755 });
  for (const jar of jars) writeFileSync(join(home, "lib", jar), "");
  if (conf !== undefined) writeFileSync(join(home, "conf", "neo4j.conf"), conf);
  return home;
}
