import { NbsError } from "@nbs/errors";
import type { GraphSchema, GraphStats, SchemaIndex } from "@nbs/metadata";
import type { Check } from "./checks.js";

/**
 * The restored database's indexes and constraints against those the sidecar recorded at dump
 * time (`stats.schema`), matched by name. Each recorded one must exist with the same definition
 * (type, node or relationship, labels or types, properties, backed constraint), else its check
 * fails. One found only after the load fails when the sidecar's stats are `exact` (nothing was
 * committed between counting and the stop, so the dump cannot hold more) and is otherwise
 * reported as a skip. Unlike counts, the schema is compared even when `exact` is false: writes
 * rarely change it, and a lost uniqueness constraint must not pass unseen.
 *
 * Reusable wherever a dump was restored (`nbs-verify --mode load`, a restore onto a real
 * server): pass the sidecar's `stats` and `captureSchema()` (or `captureStats().schema`) of the
 * restored database; `schemaMismatchError` turns the failures into the error to throw.
 */
export function schemaChecks(
  expected: GraphStats | undefined,
  actual: GraphSchema | undefined,
): Check[] {
  const recorded = expected?.schema;
  if (!recorded)
    return [
      {
        id: "schema",
        name: "indexes and constraints = sidecar",
        group: "neo4j",
        status: "skip",
        detail: expected
          ? "the sidecar records no schema (written before nbs recorded indexes and constraints)"
          : "the sidecar has no stats (backup taken without NEO4J_URI/NEO4J_PASSWORD)",
      },
    ];
  const found = actual ?? { indexes: [], constraints: [] };
  return [
    ...compare("constraint", recorded.constraints, found.constraints, expected.exact === true),
    ...compare("index", recorded.indexes, found.indexes, expected.exact === true),
  ];
}

/** The NEO4J error (exit 6) for failed schema checks; undefined when none failed. */
export function schemaMismatchError(checks: readonly Check[]): NbsError | undefined {
  const failed = checks.filter((c) => c.id.startsWith("schema.") && c.status === "fail");
  if (failed.length === 0) return undefined;
  const what = failed
    .map((c) =>
      c.expected === undefined
        ? `${c.name} not recorded at dump time (${c.actual})`
        : c.actual === MISSING
          ? `${c.name} missing (expected ${c.expected})`
          : `${c.name} expected ${c.expected}, found ${c.actual}`,
    )
    .join("; ");
  return new NbsError(
    "SCHEMA_MISMATCH",
    `the restored database's indexes and constraints differ from the sidecar's: ${what}`,
    {
      hint: "the dump does not hold the schema recorded at backup time (a lost uniqueness constraint lets duplicates in); do not rely on it, and take a new backup",
    },
  );
}

const MISSING = "missing";

function compare(
  kind: "constraint" | "index",
  want: readonly SchemaIndex[],
  got: readonly SchemaIndex[],
  exact: boolean,
): Check[] {
  const byName = new Map(got.map((item) => [item.name, item]));
  const checks: Check[] = want.map((item) => {
    const there = byName.get(item.name);
    const [expected, actual] = [describeItem(item), there ? describeItem(there) : MISSING];
    return {
      id: `schema.${kind}.${item.name}`,
      name: `${kind} ${item.name}`,
      group: "neo4j",
      status: there !== undefined && sameDefinition(item, there) ? "pass" : "fail",
      expected,
      actual,
    };
  });
  const recorded = new Set(want.map((item) => item.name));
  for (const extra of got.filter((item) => !recorded.has(item.name)))
    checks.push({
      id: `schema.${kind}.${extra.name}`,
      name: `${kind} ${extra.name}`,
      group: "neo4j",
      status: exact ? "fail" : "skip",
      actual: describeItem(extra),
      detail: `${describeItem(extra)}: found after the load but not recorded at dump time${exact ? "" : " (it may have been created between counting and the stop)"}`,
    });
  return checks;
}

function sameDefinition(a: SchemaIndex, b: SchemaIndex): boolean {
  return (
    a.type === b.type &&
    a.entity_type === b.entity_type &&
    sameList(a.labels_or_types, b.labels_or_types) &&
    sameList(a.properties, b.properties) &&
    a.owning_constraint === b.owning_constraint
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** `UNIQUENESS :Person(id)`, `RANGE [:KNOWS](since, weight)`, `LOOKUP nodes`, `… for person_id`. */
function describeItem(item: SchemaIndex): string {
  const node = item.entity_type === "NODE";
  const target =
    item.labels_or_types.length === 0
      ? node
        ? "nodes"
        : "relationships"
      : `${node ? ":" : "[:"}${item.labels_or_types.join("|")}${node ? "" : "]"}`;
  const properties = item.properties.length > 0 ? `(${item.properties.join(", ")})` : "";
  const owner = item.owning_constraint ? ` for ${item.owning_constraint}` : "";
  return `${item.type} ${target}${properties}${owner}`;
}
