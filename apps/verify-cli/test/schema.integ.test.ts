import { createEphemeralNeo4j, describeInteg, type EphemeralNeo4j } from "@nbs/testenv";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadRuns, sidecarOf as readSidecar } from "./load-runs.js";

// A source DBMS with a uniqueness constraint and an index is backed up by backup.sh twice:
// as seeded, and after the constraint was dropped. Each dump is loaded by nbs-verify --mode load.
let source: EphemeralNeo4j;
let withConstraint: string;
let withoutConstraint: string;
const { runs, scratch, backup, verifyLoad, removeScratch } = loadRuns("schema", () => source);

interface Sidecar {
  stats: { schema?: { indexes: { name: string }[]; constraints: { name: string }[] } };
}
interface Report {
  code?: number;
  outcome: string;
  error?: { code: string; message: string };
  report?: { checks: Check[] };
  checks: Check[];
}
interface Check {
  id: string;
  status: string;
  expected?: string;
  actual?: string;
}

const sidecarOf = (file: string) => readSidecar<Sidecar>(file);

beforeAll(async () => {
  source = await createEphemeralNeo4j();
  await source.start();
  const driver = source.driver();
  try {
    await driver.executeQuery("UNWIND range(1, 3) AS i CREATE (:Person {id: i})");
    await driver.executeQuery("CREATE (:Movie {title: 'Heat'})");
    await driver.executeQuery("CREATE CONSTRAINT person_id FOR (p:Person) REQUIRE p.id IS UNIQUE");
    await driver.executeQuery("CREATE INDEX movie_title FOR (m:Movie) ON (m.title)");
  } finally {
    await driver.close();
  }
  withConstraint = await backup();
  // backup.sh started the source again: lose the constraint, and back up once more.
  const again = source.driver();
  try {
    await again.executeQuery("DROP CONSTRAINT person_id");
  } finally {
    await again.close();
  }
  withoutConstraint = await backup();
  await source.stop();
}, 1_500_000);

afterAll(async () => {
  await source?.remove();
  removeScratch();
});

describeInteg("schema (indexes and constraints) from dump to restore, real Neo4j", () => {
  it("backup.sh records the constraint and indexes in the sidecar's stats", () => {
    const schema = sidecarOf(withConstraint).stats.schema;
    expect(schema?.constraints).toEqual([
      {
        name: "person_id",
        type: "UNIQUENESS",
        entity_type: "NODE",
        labels_or_types: ["Person"],
        properties: ["id"],
      },
    ]);
    expect(schema?.indexes).toEqual(
      expect.arrayContaining([
        {
          name: "movie_title",
          type: "RANGE",
          entity_type: "NODE",
          labels_or_types: ["Movie"],
          properties: ["title"],
        },
        expect.objectContaining({ name: "person_id", owning_constraint: "person_id" }),
      ]),
    );
    expect(sidecarOf(withoutConstraint).stats.schema?.constraints).toEqual([]);
  });

  it("--mode load restores every recorded index and constraint and lists each check (exit 0)", async () => {
    const md = join(scratch(), "summary.md");
    const run = await verifyLoad(withConstraint, ["--summary-md", md]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.outcome).toBe("verified");
    const schemaChecks = report.checks.filter((c) => c.id.startsWith("schema."));
    expect(schemaChecks.map((c) => [c.id, c.status])).toEqual(
      expect.arrayContaining([
        ["schema.constraint.person_id", "pass"],
        ["schema.index.person_id", "pass"],
        ["schema.index.movie_title", "pass"],
      ]),
    );
    // the two token lookup indexes of a Neo4j 5 database are compared too
    expect(schemaChecks).toHaveLength(5);
    expect(schemaChecks.every((c) => c.status === "pass")).toBe(true);
    const summary = readFileSync(md, "utf8");
    expect(summary).toContain(
      "| ✅ | constraint person_id | UNIQUENESS :Person(id) | UNIQUENESS :Person(id) |",
    );
    expect(summary).toContain("Schema: 1 constraint, 4 indexes (sidecar: 1 / 4).");
  });

  it("fails SCHEMA_MISMATCH (exit 6) when the dump lacks a uniqueness constraint its sidecar records", async () => {
    // The dump taken after the drop, with its own (true) sha256 and size, but the schema the
    // sidecar recorded before: a restore that lost the constraint.
    const dir = scratch();
    const copy = join(dir, "neo4j-20261124T101500Z.dump");
    copyFileSync(withoutConstraint, copy);
    const claims = sidecarOf(withoutConstraint);
    claims.stats.schema = sidecarOf(withConstraint).stats.schema;
    writeFileSync(`${copy}.meta.json`, JSON.stringify(claims));

    const run = await verifyLoad(copy);
    expect(run.code, run.stderr).toBe(6);
    const doc = JSON.parse(run.stdout) as Report;
    expect(doc.error?.code).toBe("SCHEMA_MISMATCH");
    expect(
      doc.report?.checks.filter((c) => c.status === "fail").map((c) => [c.id, c.actual]),
    ).toEqual([
      ["schema.constraint.person_id", "missing"],
      ["schema.index.person_id", "missing"],
    ]);
  });

  it("never printed a credential", () => {
    expect(runs.length).toBeGreaterThan(3);
    for (const run of runs) expect(run.stdout + run.stderr).not.toContain(source.password);
  });
});
