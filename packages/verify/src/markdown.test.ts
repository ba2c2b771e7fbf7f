import { describe, expect, it } from "vitest";
import { renderSummaryMarkdown } from "./markdown.js";
import type { VerifyReport } from "./report.js";

const hex = "1a2b3c4d5e6f".padEnd(64, "0");
const base: VerifyReport = {
  ok: true,
  outcome: "verified",
  mode: "load",
  source: {
    kind: "s3",
    location: "s3://acme/prod/neo4j/neo4j-20261124T101500Z.dump",
    bucket: "acme",
    key: "prod/neo4j/neo4j-20261124T101500Z.dump",
  },
  backup: {
    db_name: "neo4j",
    created_at: "2026-11-24T10:15:00Z",
    created_by: "ci|run 7",
    neo4j_version: "5.26.30",
  },
  sidecar: "valid",
  sha256: { expected: hex, actual: hex },
  size: { expected: 123456, actual: 123456 },
  counts: {
    expected: { nodes: 5, relationships: 4 },
    actual: { nodes: 5, relationships: 4, labels: {}, relationship_types: {} },
  },
  neo4j: { version: "5.26.30", edition: "community", database: "neo4j" },
  checks: [
    {
      id: "sha256.sidecar",
      name: "sha256 = sidecar",
      group: "integrity",
      status: "pass",
      expected: hex,
      actual: hex,
    },
    {
      id: "sha256.object",
      name: "sha256 = object metadata nbs-sha256",
      group: "integrity",
      status: "skip",
      detail: "not recorded on the object (multipart upload)",
    },
    { id: "count.nodes", name: "nodes", group: "neo4j", status: "pass", expected: 5, actual: 5 },
  ],
  durations_ms: { resolve: 12, download: 1500, total: 15000 },
};

describe("Markdown summary", () => {
  it("renders the verdict, source, full hashes, sizes, a ✅ table of checks, counts and durations", () => {
    const md = renderSummaryMarkdown(base);
    expect(md).toContain(
      "### nbs-verify: ✅ verified — `s3://acme/prod/neo4j/neo4j-20261124T101500Z.dump`",
    );
    expect(md).toContain(`expected \`${hex}\`<br>actual \`${hex}\``);
    expect(md).toContain("expected 123,456 B, actual 123,456 B");
    expect(md).toContain("| ✅ | sha256 = sidecar | 1a2b3c4d5e6f… | 1a2b3c4d5e6f… |");
    expect(md).toContain(
      "| ➖ | sha256 = object metadata nbs-sha256 | — | not recorded on the object (multipart upload) |",
    );
    expect(md).toContain("| ✅ | nodes | 5 | 5 |");
    expect(md).toContain("Counts: 5 nodes, 4 relationships (sidecar: 5 / 4).");
    expect(md).toContain("Durations: resolve 12 ms, download 1.5 s, total 15.0 s");
    expect(md).toContain("by ci\\|run 7"); // table cells escape pipes
  });

  it("leads with ❌ and the failure's code, message and hint", () => {
    const md = renderSummaryMarkdown({
      ...base,
      ok: false,
      outcome: "failed",
      failure: {
        code: "STORED_CHECKSUM_MISMATCH",
        category: "INTEGRITY",
        message: "sha256 = sidecar: expected 1a2b…, actual 9f8e…",
        hint: "do not restore from it",
        stage: "download",
      },
      checks: [
        {
          id: "sha256.sidecar",
          name: "sha256 = sidecar",
          group: "integrity",
          status: "fail",
          expected: hex,
          actual: "9f".repeat(32),
        },
      ],
    });
    expect(md.split("\n")[0]).toContain("❌ failed");
    expect(md).toContain("> **STORED_CHECKSUM_MISMATCH** (INTEGRITY): sha256 = sidecar");
    expect(md).toContain("hint: do not restore from it");
    expect(md).toContain("| ❌ | sha256 = sidecar | 1a2b3c4d5e6f… | 9f9f9f9f9f9f… |");
  });

  it("names the broken newer backups and the uncommitted dumps --latest passed over", () => {
    const md = renderSummaryMarkdown({
      ...base,
      ok: false,
      outcome: "failed",
      source: { kind: "latest", location: "latest under s3://acme/prod/neo4j/" },
      sidecar: "unknown",
      skipped: [
        {
          key: "prod/neo4j/neo4j-20261125T000000Z.dump",
          reason: "s3://acme/prod/neo4j/neo4j-20261125T000000Z.dump.meta.json does not match",
        },
      ],
      uncommitted: ["prod/neo4j/neo4j-20261126T000000Z.dump"],
    });
    expect(md).toContain(
      "| ❌ newer backup broken | `prod/neo4j/neo4j-20261125T000000Z.dump`: s3://acme/prod/neo4j/neo4j-20261125T000000Z.dump.meta.json does not match |",
    );
    expect(md).toContain(
      "| newer, uncommitted (ignored) | `prod/neo4j/neo4j-20261126T000000Z.dump` |",
    );
  });

  it("calls a run with nothing to compare the sha256 with ⚠️ unverified", () => {
    const md = renderSummaryMarkdown({ ...base, ok: false, outcome: "unverified" });
    expect(md.split("\n")[0]).toContain("⚠️ unverified");
  });
});

describe("Markdown summary of the schema", () => {
  it("lists each index and constraint check and a schema line, naming a lost constraint", () => {
    const unique = {
      name: "person_id",
      type: "UNIQUENESS",
      entity_type: "NODE" as const,
      labels_or_types: ["Person"],
      properties: ["id"],
    };
    const report: VerifyReport = {
      ...base,
      ok: false,
      outcome: "failed",
      counts: {
        expected: { nodes: 5, relationships: 4, schema: { indexes: [], constraints: [unique] } },
        actual: { nodes: 5, relationships: 4, schema: { indexes: [], constraints: [] } },
      },
      checks: [
        {
          id: "schema.constraint.person_id",
          name: "constraint person_id",
          group: "neo4j",
          status: "fail",
          expected: "UNIQUENESS :Person(id)",
          actual: "missing",
        },
      ],
      failure: {
        code: "SCHEMA_MISMATCH",
        category: "NEO4J",
        message: "the restored database's indexes and constraints differ from the sidecar's",
        stage: "neo4j",
      },
    };
    const md = renderSummaryMarkdown(report);
    expect(md).toContain("> **SCHEMA_MISMATCH**");
    expect(md).toContain("| ❌ | constraint person_id | UNIQUENESS :Person(id) | missing |");
    expect(md).toContain("Schema: 0 constraints, 0 indexes (sidecar: 1 / 0).");
  });

  it("names the proof of content the load gave: exact counts, transaction id, both, or none", () => {
    const md = renderSummaryMarkdown({
      ...base,
      proof: {
        method: "transaction-id",
        detail:
          "counts not compared: transactions were committed between counting and the stop; the loaded store's last committed transaction is the sidecar's dumped_at_tx 42",
      },
    });
    expect(md).toContain(
      "| proof of content | **transaction id**: counts not compared: transactions were committed between counting and the stop; the loaded store's last committed transaction is the sidecar's dumped_at_tx 42 |",
    );
    expect(renderSummaryMarkdown(base)).not.toContain("proof of content");
  });
});
