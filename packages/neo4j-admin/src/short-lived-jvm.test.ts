import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  buildCheckCommand,
  buildDumpCommand,
  buildDumpToStdoutCommand,
  buildLoadCommand,
  buildSetInitialPasswordCommand,
  buildStoreInfoCommand,
} from "./commands.js";
import { SHORT_LIVED_JVM_FLAGS, serverCommand, type Neo4jInstallation } from "./installation.js";
import { locateNeo4j } from "./locate.js";
import { runNeo4jCommand } from "./run-command.js";
import { createSpawnRunner } from "./spawn-runner.js";
import { parseNeo4jVersion } from "./version.js";
import { fakeInstall, fakeRunner } from "../test/fakes.js";

const inst: Neo4jInstallation = {
  home: "/opt/neo4j",
  confDir: "/etc/neo4j",
  version: parseNeo4jVersion("5.26.30"),
  edition: "community",
};

describe("C1-only flags for the neo4j-admin calls that only read metadata", () => {
  it("go to database info and set-initial-password, never to dump, load, check or the server", () => {
    expect(buildStoreInfoCommand(inst, "neo4j")?.jvmFlags).toEqual(["-XX:TieredStopAtLevel=1"]);
    expect(buildSetInitialPasswordCommand(inst, "x").jvmFlags).toBe(SHORT_LIVED_JVM_FLAGS);
    const heavy = [
      buildDumpCommand(inst, "neo4j", "/out"),
      buildDumpToStdoutCommand(inst, "neo4j"),
      buildLoadCommand(inst, "neo4j", "/in"),
      buildCheckCommand(inst, "neo4j", "/r"),
      serverCommand(inst, "start"),
      serverCommand(inst, "stop"),
      serverCommand(inst, "status"),
    ];
    for (const command of heavy) {
      expect(command).toBeDefined();
      expect(command!.jvmFlags, command!.args.join(" ")).toBeUndefined();
    }
  });

  it("go to the `neo4j-admin --version` fallback, through to the runner", async () => {
    const home = fakeInstall(["neo4j-cypher-5.26.30.jar"]);
    const runner = fakeRunner(() => ({ stdout: "neo4j-admin 5.26.30\n" }));
    await locateNeo4j({ home, runner });
    expect(runner.runs[0]).toMatchObject({
      file: join(home, "bin", "neo4j-admin"),
      options: { jvmFlags: SHORT_LIVED_JVM_FLAGS },
    });
  });

  it("reach the child in JDK_JAVA_OPTIONS ahead of the operator's own; JAVA_OPTS is left as it was", async () => {
    const operator = { JAVA_OPTS: "-Xmx2g -XX:+UseG1GC", JDK_JAVA_OPTIONS: "-Dop.flag=1" };
    const runner = createSpawnRunner({ env: { PATH: "/usr/bin:/bin", ...operator } });
    const printEnv = {
      file: "/bin/sh",
      args: ["-c", 'printf "%s|%s" "$JDK_JAVA_OPTIONS" "$JAVA_OPTS"'],
      env: {},
      secrets: [],
    };
    const flagged = await runNeo4jCommand(runner, {
      ...printEnv,
      jvmFlags: SHORT_LIVED_JVM_FLAGS,
    });
    // The launcher puts JDK_JAVA_OPTIONS first: the operator's flags, later, win.
    expect(flagged.stdout).toBe("-XX:TieredStopAtLevel=1 -Dop.flag=1|-Xmx2g -XX:+UseG1GC");
    const plain = await runNeo4jCommand(runner, printEnv);
    expect(plain.stdout).toBe("-Dop.flag=1|-Xmx2g -XX:+UseG1GC");
    const bare = createSpawnRunner({ env: { PATH: "/usr/bin:/bin" } });
    expect((await runNeo4jCommand(bare, printEnv)).stdout).toBe("|");
    expect(
      (await runNeo4jCommand(bare, { ...printEnv, jvmFlags: SHORT_LIVED_JVM_FLAGS })).stdout,
    ).toBe("-XX:TieredStopAtLevel=1|");
  });
});
