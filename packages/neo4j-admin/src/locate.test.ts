import { symlink } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { locateNeo4j } from "./locate.js";
import { fakeInstall, fakeRunner, tempDir } from "../test/fakes.js";

const versionRunner = (stdout: string) => fakeRunner(() => ({ stdout }));

describe("locateNeo4j", () => {
  it("identifies an explicit home by its lib/ jars alone: no neo4j-admin --version JVM", async () => {
    const home = fakeInstall([
      "neo4j-kernel-4.4.44.jar",
      "neo4j-kernel-api-4.4.44.jar",
      "neo4j-enterprise-kernel-4.4.44.jar",
    ]);
    const runner = versionRunner("neo4j-admin 9.9.9\n");
    const inst = await locateNeo4j({ home, runner });
    expect(inst).toMatchObject({ home, confDir: join(home, "conf"), edition: "enterprise" });
    expect(inst.version).toMatchObject({ raw: "4.4.44", family: "4" });
    expect(runner.runs).toEqual([]);
  });

  it.each([
    ["no kernel jar", ["neo4j-cypher-5.26.30.jar"]],
    [
      "two kernel versions (upgrade leftovers)",
      ["neo4j-kernel-5.26.1.jar", "neo4j-kernel-5.26.30.jar"],
    ],
  ])("asks neo4j-admin --version when lib/ has %s", async (_, jars) => {
    const home = fakeInstall(jars);
    const runner = versionRunner("neo4j-admin 5.26.30\n");
    const inst = await locateNeo4j({ home, runner });
    expect(inst.version).toMatchObject({ raw: "5.26.30", family: "5" });
    expect(runner.runs).toHaveLength(1);
    expect(runner.runs[0]).toMatchObject({
      file: join(home, "bin", "neo4j-admin"),
      args: ["--version"],
    });
  });

  it("finds neo4j-admin on a caller-supplied search path and resolves symlinks to the home", async () => {
    const home = fakeInstall();
    const binDir = tempDir("nbs-path-");
    await symlink(join(home, "bin", "neo4j-admin"), join(binDir, "neo4j-admin"));
    const inst = await locateNeo4j({
      searchPath: `/nonexistent:${binDir}`,
      runner: versionRunner("5.26.30"),
    });
    expect(inst.home).toBe(home);
    expect(inst.edition).toBe("community");
  });

  it("reads a calendar version from the kernel jar", async () => {
    const home = fakeInstall(["neo4j-kernel-2025.01.0.jar"]);
    const inst = await locateNeo4j({ home, runner: versionRunner("banner only") });
    expect(inst.version).toMatchObject({ raw: "2025.01.0", family: "5" });
  });

  it("fails as a usage error when there is nothing to run", async () => {
    await expect(
      locateNeo4j({ searchPath: "/nonexistent", runner: versionRunner("") }),
    ).rejects.toMatchObject({ code: "NEO4J_NOT_FOUND", category: "USAGE" });
    await expect(
      locateNeo4j({ home: "/nonexistent", runner: versionRunner("") }),
    ).rejects.toMatchObject({ code: "NEO4J_HOME_INVALID", category: "USAGE" });
  });
});
