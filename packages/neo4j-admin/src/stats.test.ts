import type { Driver } from "neo4j-driver";
import neo4j from "neo4j-driver";
import { describe, expect, it } from "vitest";
import { captureStats, escapeName } from "./stats.js";

describe("captureStats", () => {
  it("counts per label and type with escaped names, on the requested database", async () => {
    const seen: { cypher: string; database: unknown }[] = [];
    const answers: Record<string, unknown[]> = {
      "CALL db.labels() YIELD label RETURN label AS name": ["Person", "Odd `Label`"],
      "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType AS name": [
        "KNOWS",
      ],
      "MATCH (n:`Person`) RETURN count(n) AS c": [neo4j.int(2)],
      "MATCH (n:`Odd ``Label```) RETURN count(n) AS c": [1],
      "MATCH ()-[r:`KNOWS`]->() RETURN count(r) AS c": [neo4j.int(4)],
      "MATCH (n) RETURN count(n) AS c": [3],
      "MATCH ()-[r]->() RETURN count(r) AS c": [4],
    };
    const driver = {
      executeQuery: (cypher: string, _params: unknown, config: { database: unknown }) => {
        seen.push({ cypher, database: config.database });
        const values = answers[cypher];
        if (!values) return Promise.reject(new Error(`unexpected query ${cypher}`));
        return Promise.resolve({ records: values.map((value) => ({ get: () => value })) });
      },
    } as unknown as Driver;

    expect(await captureStats(driver, "movies")).toEqual({
      nodes: 3,
      relationships: 4,
      labels: { "Odd `Label`": 1, Person: 2 },
      relationshipTypes: { KNOWS: 4 },
    });
    expect(new Set(seen.map((s) => s.database))).toEqual(new Set(["movies"]));
  });
});

describe("escapeName", () => {
  it("wraps in backticks and doubles inner backticks", () => {
    expect(escapeName("a`b c")).toBe("`a``b c`");
  });
});
