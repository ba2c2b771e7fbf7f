import { fakeDriver as sharedFakeDriver, type Row } from "@nbs/testenv/doubles";
import neo4j from "neo4j-driver";
import { describe, expect, it } from "vitest";
import { COUNT_CONCURRENCY, captureSchema, captureStats, escapeName } from "./stats.js";

const rows = (...objects: Row[]) => objects;

/** A driver that answers the queries in `answers` and fails any other. */
function fakeDriver(answers: Record<string, Row[]>) {
  const { driver, queries } = sharedFakeDriver(({ cypher }) => {
    const records = answers[cypher];
    if (!records) throw new Error(`unexpected query ${cypher}`);
    return records;
  });
  return { driver, seen: queries };
}

const LOOKUP = {
  name: "index_343aff4e",
  type: "LOOKUP",
  entityType: "NODE",
  labelsOrTypes: null,
  properties: null,
  owningConstraint: null,
};
const UNIQUE_INDEX = {
  name: "person_id",
  type: "RANGE",
  entityType: "NODE",
  labelsOrTypes: ["Person"],
  properties: ["id"],
  owningConstraint: "person_id",
};
const REL_INDEX = {
  name: "acted_role",
  type: "RANGE",
  entityType: "RELATIONSHIP",
  labelsOrTypes: ["ACTED_IN"],
  properties: ["role", "year"],
  owningConstraint: null,
};
const UNIQUE = {
  name: "person_id",
  type: "UNIQUENESS",
  entityType: "NODE",
  labelsOrTypes: ["Person"],
  properties: ["id"],
};

describe("captureStats", () => {
  it("counts per label and type with escaped names, and reads the schema, on the requested database", async () => {
    const { driver, seen } = fakeDriver({
      "CALL db.labels() YIELD label RETURN label AS name": rows(
        { name: "Person" },
        { name: "Odd `Label`" },
      ),
      "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType AS name": rows({
        name: "KNOWS",
      }),
      "MATCH (n:`Person`) RETURN count(n) AS c": rows({ c: neo4j.int(2) }),
      "MATCH (n:`Odd ``Label```) RETURN count(n) AS c": rows({ c: 1 }),
      "MATCH ()-[r:`KNOWS`]->() RETURN count(r) AS c": rows({ c: neo4j.int(4) }),
      "MATCH (n) RETURN count(n) AS c": rows({ c: 3 }),
      "MATCH ()-[r]->() RETURN count(r) AS c": rows({ c: 4 }),
      "SHOW INDEXES YIELD *": rows(UNIQUE_INDEX),
      "SHOW CONSTRAINTS YIELD *": rows(UNIQUE),
    });

    expect(await captureStats(driver, "movies")).toEqual({
      nodes: 3,
      relationships: 4,
      labels: { "Odd `Label`": 1, Person: 2 },
      relationship_types: { KNOWS: 4 },
      schema: {
        indexes: [
          {
            name: "person_id",
            type: "RANGE",
            entity_type: "NODE",
            labels_or_types: ["Person"],
            properties: ["id"],
            owning_constraint: "person_id",
          },
        ],
        constraints: [
          {
            name: "person_id",
            type: "UNIQUENESS",
            entity_type: "NODE",
            labels_or_types: ["Person"],
            properties: ["id"],
          },
        ],
      },
    });
    expect(new Set(seen.map((s) => s.database))).toEqual(new Set(["movies"]));
  });
});

describe("captureSchema", () => {
  it("records token lookup indexes with empty lists, relationship indexes in property order, sorted by name", async () => {
    const { driver } = fakeDriver({
      "SHOW INDEXES YIELD *": rows(UNIQUE_INDEX, LOOKUP, REL_INDEX),
      "SHOW CONSTRAINTS YIELD *": rows(),
    });
    const schema = await captureSchema(driver, "neo4j");
    expect(schema.indexes.map((i) => i.name)).toEqual([
      "acted_role",
      "index_343aff4e",
      "person_id",
    ]);
    expect(schema.indexes[0]).toEqual({
      name: "acted_role",
      type: "RANGE",
      entity_type: "RELATIONSHIP",
      labels_or_types: ["ACTED_IN"],
      properties: ["role", "year"],
    });
    expect(schema.indexes[1]).toEqual({
      name: "index_343aff4e",
      type: "LOOKUP",
      entity_type: "NODE",
      labels_or_types: [],
      properties: [],
    });
    expect(schema.constraints).toEqual([]);
  });

  it("reads a server without an owningConstraint column (4.4) and leaves the field out", async () => {
    const noOwnerColumn: Partial<typeof UNIQUE_INDEX> = { ...UNIQUE_INDEX };
    delete noOwnerColumn.owningConstraint;
    const { driver } = fakeDriver({
      "SHOW INDEXES YIELD *": rows(noOwnerColumn),
      "SHOW CONSTRAINTS YIELD *": rows(UNIQUE),
    });
    const schema = await captureSchema(driver, "neo4j");
    expect(schema.indexes[0]).not.toHaveProperty("owning_constraint");
  });

  it("refuses an entity type it does not know instead of recording a wrong one", async () => {
    const { driver } = fakeDriver({
      "SHOW INDEXES YIELD *": rows({ ...UNIQUE_INDEX, entityType: "EDGE" }),
      "SHOW CONSTRAINTS YIELD *": rows(),
    });
    await expect(captureSchema(driver, "neo4j")).rejects.toThrow(/unknown entityType EDGE/);
  });
});

describe("escapeName", () => {
  it("wraps in backticks and doubles inner backticks", () => {
    expect(escapeName("a`b c")).toBe("`a``b c`");
  });
});

describe("captureStats round trips", () => {
  it("sends the count-store lookups at once (at most COUNT_CONCURRENCY per kind), not one after another", async () => {
    const labels = Array.from({ length: 20 }, (_, i) => `L${i}`);
    let inFlight = 0;
    let most = 0;
    const { driver } = sharedFakeDriver(async ({ cypher }) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      if (cypher.startsWith("CALL db.labels")) return labels.map((name) => ({ name }));
      if (cypher.startsWith("CALL") || cypher.startsWith("SHOW")) return [];
      const label = /MATCH \(n:`?(L\d+)`?\)/.exec(cypher)?.[1];
      return [{ c: neo4j.int(label ? Number(label.slice(1)) : 99) }];
    });
    const stats = await captureStats(driver, "neo4j");
    expect(stats.labels).toEqual(Object.fromEntries(labels.map((l, i) => [l, i])));
    expect(stats.nodes).toBe(99);
    expect(most).toBeGreaterThan(1);
    // Two totals, the label counts' workers and the two schema reads.
    expect(most).toBeLessThanOrEqual(2 + COUNT_CONCURRENCY + 2);
  });
});
