import { describe, expect, it } from "vitest";
import { graph, servedFrom } from "../test/restore-doubles.js";
import { fakeNeo4jInstall, fakeOperatorServer } from "@nbs/testenv/doubles";
import { preflightRestoreSet, type SetPreflightInput } from "./index.js";

function input(over: Partial<SetPreflightInput> = {}) {
  const neo4jHome = over.neo4jHome ?? fakeNeo4jInstall();
  const runner = fakeOperatorServer();
  return {
    runner,
    input: {
      neo4jHome,
      runner,
      connect: servedFrom(neo4jHome, graph({ nodes: 5, relationships: 4 })),
      uri: "bolt://127.0.0.1:7999",
      neo4jVersion: "5.26.30",
      memberSizes: [1000, 4000],
      freeBytes: () => Promise.resolve(1_000_000),
      ...over,
    },
  };
}

describe("preflightRestoreSet: the guards of restore, before anything is stopped", () => {
  it("proves the Bolt URI is the home's server and reserves 3x every member", async () => {
    const { input: i, runner } = input();
    const found = await preflightRestoreSet(i);
    expect(found.server).toMatchObject({ proven_by: "neo4j_home", neo4j_home: i.neo4jHome });
    expect(found.space).toMatchObject({ needed_bytes: 15_000, free_bytes: 1_000_000 });
    expect(found.version).toEqual({ dump: "5.26.30", target: "5.26.30", loadable: "yes" });
    expect(runner.steps).toEqual(["neo4j status"]);
  });

  it("refuses a Bolt URI served by another installation (RESTORE_SERVER_MISMATCH)", async () => {
    const { input: i, runner } = input({
      connect: servedFrom("/opt/other-neo4j", graph({ nodes: 5, relationships: 4 })),
    });
    await expect(preflightRestoreSet(i)).rejects.toMatchObject({
      code: "RESTORE_SERVER_MISMATCH",
      message: expect.stringContaining("nothing was stopped") as string,
    });
    expect(runner.steps).not.toContain("neo4j stop");
  });

  it("refuses a set taken with a newer Neo4j (RESTORE_VERSION_INCOMPATIBLE)", async () => {
    const { input: i, runner } = input({ neo4jVersion: "2025.10.1" });
    await expect(preflightRestoreSet(i)).rejects.toMatchObject({
      code: "RESTORE_VERSION_INCOMPATIBLE",
    });
    expect(runner.steps).toEqual([]);
  });

  it("refuses when the data directory lacks 3x the members (RESTORE_DISK_SPACE_LOW)", async () => {
    const { input: i, runner } = input({ freeBytes: () => Promise.resolve(14_999) });
    await expect(preflightRestoreSet(i)).rejects.toMatchObject({
      code: "RESTORE_DISK_SPACE_LOW",
      message: expect.stringContaining("5000-byte") as string,
    });
    expect(runner.steps).toEqual([]);
  });

  it("asks a systemd unit's state through systemctl (--neo4j-service)", async () => {
    const { input: i, runner } = input({ service: "neo4j" });
    await preflightRestoreSet(i);
    expect(runner.steps).toEqual(["systemctl is-active --quiet"]);
  });
});
