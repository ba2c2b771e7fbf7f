import { describe, expect, it } from "vitest";
import {
  buildCheckCommand,
  buildDumpCommand,
  buildLoadCommand,
  buildSetInitialPasswordCommand,
} from "./commands.js";
import { parseNeo4jVersion } from "./version.js";
import { serverCommand } from "./installation.js";
import type { Neo4jInstallation } from "./installation.js";

const at = (version: string): Neo4jInstallation => ({
  home: "/opt/neo4j",
  confDir: "/etc/neo4j",
  version: parseNeo4jVersion(version),
  edition: "community",
});

describe("command lines per Neo4j version", () => {
  it("speaks the 4.4 syntax", () => {
    const inst = at("4.4.44");
    expect(buildDumpCommand(inst, "neo4j", "/out").args).toEqual([
      "dump",
      "--database=neo4j",
      "--to=/out/neo4j.dump",
    ]);
    expect(buildLoadCommand(inst, "neo4j", "/in").args).toEqual([
      "load",
      "--from=/in/neo4j.dump",
      "--database=neo4j",
      "--force",
    ]);
    expect(buildCheckCommand(inst, "neo4j", "/r").args).toEqual([
      "check-consistency",
      "--database=neo4j",
      "--report-dir=/r",
    ]);
    expect(buildSetInitialPasswordCommand(inst, "pw-123456").args).toEqual([
      "set-initial-password",
      "pw-123456",
    ]);
  });

  it.each(["5.26.30", "2025.01.0", "2026.03.1"])(
    "speaks the database-subcommand syntax on %s",
    (version) => {
      const inst = at(version);
      expect(buildDumpCommand(inst, "movies", "/out").args).toEqual([
        "database",
        "dump",
        "movies",
        "--to-path=/out",
      ]);
      expect(buildLoadCommand(inst, "movies", "/in").args).toEqual([
        "database",
        "load",
        "--from-path=/in",
        "movies",
        "--overwrite-destination",
      ]);
      expect(buildCheckCommand(inst, "movies", "/r").args).toEqual([
        "database",
        "check",
        "movies",
        "--report-path=/r",
      ]);
      expect(buildSetInitialPasswordCommand(inst, "pw-123456").args).toEqual([
        "dbms",
        "set-initial-password",
        "pw-123456",
      ]);
    },
  );

  it("runs the installation's own scripts with NEO4J_HOME and NEO4J_CONF set explicitly", () => {
    const dump = buildDumpCommand(at("5.26.30"), "neo4j", "/out");
    expect(dump.file).toBe("/opt/neo4j/bin/neo4j-admin");
    expect(dump.env).toEqual({ NEO4J_HOME: "/opt/neo4j", NEO4J_CONF: "/etc/neo4j" });
    expect(serverCommand(at("4.4.44"), "stop")).toMatchObject({
      file: "/opt/neo4j/bin/neo4j",
      args: ["stop"],
    });
  });

  it("marks the initial password as a secret", () => {
    expect(buildSetInitialPasswordCommand(at("5.26.30"), "pw-123456").secrets).toEqual([
      "pw-123456",
    ]);
  });
});
