import type { GraphSchema, GraphStats, SchemaConstraint, SchemaIndex } from "@nbs/metadata";
import neo4j from "neo4j-driver";
import type { Driver } from "neo4j-driver";

/**
 * Count nodes and relationships, in total and per label / type, with plain Cypher (no APOC), and
 * read the schema (indexes and constraints). Single-label and single-type counts are answered
 * from Neo4j's count store, so this is cheap even on a large online database. The result is the
 * sidecar's `stats` shape; `exact` and the transaction ids are added by whoever knows them.
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
    relationship_types: relationshipTypes,
    schema: await captureSchema(driver, database),
  };
}

/**
 * Every index (token `LOOKUP` ones included) and constraint of the database, as `SHOW INDEXES` /
 * `SHOW CONSTRAINTS` describe them, each list sorted by name. `YIELD *` because the columns
 * differ by version (4.4 has no `owningConstraint`).
 */
export async function captureSchema(driver: Driver, database: string): Promise<GraphSchema> {
  const show = async (cypher: string) =>
    (await driver.executeQuery(cypher, {}, { database, routing: "READ" })).records;
  const indexes = (await show("SHOW INDEXES YIELD *")).map((record): SchemaIndex => {
    const owner: unknown = record.has("owningConstraint") ? record.get("owningConstraint") : null;
    return {
      ...definition((key) => record.get(key) as unknown),
      ...(typeof owner === "string" && owner !== "" ? { owning_constraint: owner } : {}),
    };
  });
  const constraints = (await show("SHOW CONSTRAINTS YIELD *")).map((record): SchemaConstraint =>
    definition((key) => record.get(key) as unknown),
  );
  return { indexes: byName(indexes), constraints: byName(constraints) };
}

function definition(get: (key: string) => unknown): SchemaConstraint {
  const [name, entity] = [String(get("name")), get("entityType")];
  if (entity !== "NODE" && entity !== "RELATIONSHIP")
    throw new Error(
      `SHOW INDEXES / CONSTRAINTS gave ${name} an unknown entityType ${String(entity)}`,
    );
  return {
    name,
    type: String(get("type")),
    entity_type: entity,
    // null for LOOKUP indexes, which cover every label or type.
    labels_or_types: strings(get("labelsOrTypes")),
    properties: strings(get("properties")),
  };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function byName<T extends { name: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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
