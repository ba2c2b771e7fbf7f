import type { GraphStats, SchemaIndex } from "@nbs/metadata";
import { describe, expect, it } from "vitest";
import { schemaChecks, schemaMismatchError } from "./schema-checks.js";

const unique: SchemaIndex = {
  name: "person_id",
  type: "UNIQUENESS",
  entity_type: "NODE",
  labels_or_types: ["Person"],
  properties: ["id"],
};
const backing: SchemaIndex = { ...unique, type: "RANGE", owning_constraint: "person_id" };
const relIndex: SchemaIndex = {
  name: "knows_since",
  type: "RANGE",
  entity_type: "RELATIONSHIP",
  labels_or_types: ["KNOWS"],
  properties: ["since", "weight"],
};
const lookup: SchemaIndex = {
  name: "index_343aff4e",
  type: "LOOKUP",
  entity_type: "NODE",
  labels_or_types: [],
  properties: [],
};
const schema = { indexes: [lookup, relIndex, backing], constraints: [unique] };
const stats = (extra: Partial<GraphStats> = {}): GraphStats => ({
  nodes: 1,
  relationships: 0,
  schema,
  ...extra,
});
const statusById = (checks: ReturnType<typeof schemaChecks>) =>
  Object.fromEntries(checks.map((c) => [c.id, c.status]));

describe("schemaChecks", () => {
  it("passes each recorded index and constraint found with the same definition, showing it", () => {
    const checks = schemaChecks(stats({ exact: true }), structuredClone(schema));
    expect(statusById(checks)).toEqual({
      "schema.constraint.person_id": "pass",
      "schema.index.index_343aff4e": "pass",
      "schema.index.knows_since": "pass",
      "schema.index.person_id": "pass",
    });
    expect(checks.map((c) => c.expected)).toEqual([
      "UNIQUENESS :Person(id)",
      "LOOKUP nodes",
      "RANGE [:KNOWS](since, weight)",
      "RANGE :Person(id) for person_id",
    ]);
    expect(schemaMismatchError(checks)).toBeUndefined();
  });

  it("fails a lost uniqueness constraint (and its index), and the error says which", () => {
    const checks = schemaChecks(stats(), { indexes: [lookup, relIndex], constraints: [] });
    expect(statusById(checks)).toMatchObject({
      "schema.constraint.person_id": "fail",
      "schema.index.person_id": "fail",
      "schema.index.knows_since": "pass",
    });
    const error = schemaMismatchError(checks);
    expect(error).toMatchObject({ code: "SCHEMA_MISMATCH", category: "NEO4J" });
    expect(error?.message).toContain(
      "constraint person_id missing (expected UNIQUENESS :Person(id))",
    );
  });

  it.each([
    ["another type", { type: "TEXT" }],
    ["another label", { labels_or_types: ["User"] }],
    ["properties in another order", { properties: ["weight", "since"] }],
    ["nodes instead of relationships", { entity_type: "NODE" as const }],
    ["backing a constraint", { owning_constraint: "x" }],
  ])("fails an index of the same name with %s", (_what, change) => {
    const checks = schemaChecks(stats(), {
      ...schema,
      indexes: [lookup, { ...relIndex, ...change }, backing],
    });
    expect(statusById(checks)["schema.index.knows_since"]).toBe("fail");
    expect(checks.filter((c) => c.status === "fail")).toHaveLength(1);
  });

  it("fails one found only after the load when the counts were exact, and only reports it otherwise", () => {
    const extra: SchemaIndex = { ...relIndex, name: "added" };
    const more = { ...schema, indexes: [...schema.indexes, extra] };
    expect(statusById(schemaChecks(stats({ exact: true }), more))["schema.index.added"]).toBe(
      "fail",
    );
    const busy = schemaChecks(stats({ exact: false }), more);
    expect(busy.find((c) => c.id === "schema.index.added")).toMatchObject({
      status: "skip",
      detail: expect.stringContaining("not recorded at dump time"),
    });
    expect(schemaMismatchError(busy)).toBeUndefined();
  });

  it("still compares when the counts are inexact: a lost constraint is not excused by writes", () => {
    const checks = schemaChecks(stats({ exact: false }), { ...schema, constraints: [] });
    expect(schemaMismatchError(checks)?.code).toBe("SCHEMA_MISMATCH");
  });

  it("skips, saying why, when the sidecar has no stats or no schema (older sidecars)", () => {
    const old = stats();
    delete old.schema;
    expect(schemaChecks(old, schema)).toEqual([
      expect.objectContaining({
        id: "schema",
        status: "skip",
        detail: expect.stringContaining("records no schema"),
      }),
    ]);
    expect(schemaChecks(undefined, schema)).toEqual([
      expect.objectContaining({
        id: "schema",
        status: "skip",
        detail: expect.stringContaining("no stats"),
      }),
    ]);
  });
});
