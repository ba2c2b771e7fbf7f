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

  // Independent count-store lookups and schema reads, sent at once (each in its own session):
  // the wait is a few round trips, not one per label and type.
  const [labelNames, typeNames] = await Promise.all([
    names("CALL db.labels() YIELD label RETURN label AS name"),
    names("CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType AS name"),
  ]);
  const [nodes, relationships, labelCounts, typeCounts, schema] = await Promise.all([
    count("MATCH (n) RETURN count(n) AS c"),
    count("MATCH ()-[r]->() RETURN count(r) AS c"),
    mapLimited(labelNames, COUNT_CONCURRENCY, (label) =>
      count(`MATCH (n:${escapeName(label)}) RETURN count(n) AS c`),
    ),
    mapLimited(typeNames, COUNT_CONCURRENCY, (type) =>
      count(`MATCH ()-[r:${escapeName(type)}]->() RETURN count(r) AS c`),
    ),
    captureSchema(driver, database),
  ]);
  return {
    nodes,
    relationships,
    labels: Object.fromEntries(labelNames.map((label, i) => [label, labelCounts[i]!])),
    relationship_types: Object.fromEntries(typeNames.map((type, i) => [type, typeCounts[i]!])),
    schema,
  };
}

/** Per-label (and per-type) counts in flight at once: a graph of many labels does not drain the pool. */
export const COUNT_CONCURRENCY = 8;

/** `items.map(fn)` with at most `limit` calls pending at a time; results in order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Every index (token `LOOKUP` ones included) and constraint of the database, as `SHOW INDEXES` /
 * `SHOW CONSTRAINTS` describe them, each list sorted by name. `YIELD *` because the columns
 * differ by version (4.4 has no `owningConstraint`).
 */
export async function captureSchema(driver: Driver, database: string): Promise<GraphSchema> {
  const show = async (cypher: string) =>
    (await driver.executeQuery(cypher, {}, { database, routing: "READ" })).records;
  const [indexRecords, constraintRecords] = await Promise.all([
    show("SHOW INDEXES YIELD *"),
    show("SHOW CONSTRAINTS YIELD *"),
  ]);
  const indexes = indexRecords.map((record): SchemaIndex => {
    const owner: unknown = record.has("owningConstraint") ? record.get("owningConstraint") : null;
    return {
      ...definition((key) => record.get(key) as unknown),
      ...(typeof owner === "string" && owner !== "" ? { owning_constraint: owner } : {}),
    };
  });
  const constraints = constraintRecords.map((record): SchemaConstraint =>
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
