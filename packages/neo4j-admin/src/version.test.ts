import { describe, expect, it } from "vitest";
import { detectEdition } from "./locate.js";
import { parseNeo4jVersion } from "./version.js";

describe("parseNeo4jVersion", () => {
  it.each([
    ["5.26.30\n", "5.26.30", "5"],
    ["neo4j-admin 4.4.44", "4.4.44", "4"],
    ["neo4j 3.5.35", "3.5.35", "4"],
    ["2025.01.0", "2025.01.0", "5"],
    ["neo4j-kernel-2025.10.1.jar", "2025.10.1", "5"],
  ])("reads %j as %s (family %s)", (text, raw, family) => {
    expect(parseNeo4jVersion(text)).toMatchObject({ raw, family });
  });

  it("rejects output without a version and versions it cannot drive", () => {
    expect(() => parseNeo4jVersion("command not found")).toThrow(
      expect.objectContaining({ code: "NEO4J_VERSION_UNKNOWN" }),
    );
    expect(() => parseNeo4jVersion("3.4.9")).toThrow(
      expect.objectContaining({ code: "NEO4J_VERSION_UNSUPPORTED" }),
    );
  });
});

describe("detectEdition", () => {
  it("tells community from enterprise by the jars in lib/", () => {
    expect(detectEdition(["neo4j-kernel-5.26.30.jar", "neo4j-5.26.30.jar"])).toBe("community");
    expect(detectEdition(["neo4j-kernel-5.26.30.jar", "neo4j-enterprise-kernel-5.26.30.jar"])).toBe(
      "enterprise",
    );
    expect(detectEdition([])).toBe("unknown");
  });
});
