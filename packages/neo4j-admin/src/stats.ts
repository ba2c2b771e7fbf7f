import neo4j from "neo4j-driver";
import type { Driver } from "neo4j-driver";

export interface GraphStats {
  nodes: number;
  relationships: number;
  labels: Record<string, number>;
  relationshipTypes: Record<string, number>;
}

/**
 * Count nodes and relationships, in total and per label / type, with plain Cypher (no APOC).
 * Single-label and single-type counts are answered from Neo4j's count store, so this is cheap
 * even on a large online database.
 */
export async function captureStats(driver: Driver, database: string): Promise<GraphStats> {
  const count = async (cypher: string): Promise<number> => {
    const { records } = await driver.executeQuery(cypher, {}, { database, routing: "READ" });
    return toNumber(records[0]?.get("c"));
  };
  const names = async (cypher: string): Promise<string[]> => {
    const { records } = await driver.executeQuery(cypher, {}, { database, routing: "READ" });
    return records.map((record) => String(record.get("name"))).sort();
  };

  const labels: Record<string, number> = {};
  for (const label of await names("CALL db.labels() YIELD label RETURN label AS name")) {
    labels[label] = await count(`MATCH (n:${escapeName(label)}) RETURN count(n) AS c`);
  }
  const relationshipTypes: Record<string, number> = {};
  for (const type of await names(
    "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType AS name",
  )) {
    relationshipTypes[type] = await count(
      `MATCH ()-[r:${escapeName(type)}]->() RETURN count(r) AS c`,
    );
  }
  return {
    nodes: await count("MATCH (n) RETURN count(n) AS c"),
    relationships: await count("MATCH ()-[r]->() RETURN count(r) AS c"),
    labels,
    relationshipTypes,
  };
}

/** Quote a label or relationship type for Cypher: backticks, with inner backticks doubled. */
export function escapeName(name: string): string {
  return `\`${name.replaceAll("`", "``")}\``;
}

function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (neo4j.isInt(value)) return value.toNumber();
  return 0;
}
