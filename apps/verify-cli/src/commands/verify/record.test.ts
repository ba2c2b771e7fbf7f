import type { VerifyReport } from "@nbs/verify";
import { describe, expect, it } from "vitest";
import pkg from "../../../package.json" with { type: "json" };
import { recordOf } from "./record.js";

const KEY = "p/neo4j/neo4j-20261124T101500Z.dump";

describe("recordOf", () => {
  it("records the mode, the checks that passed, the counts and the Neo4j version it loaded into", () => {
    const report = {
      ok: true,
      outcome: "verified",
      mode: "load",
      source: { kind: "s3", location: `s3://b/${KEY}`, bucket: "b", key: KEY },
      sidecar: "valid",
      sha256: { expected: "a".repeat(64), actual: "a".repeat(64) },
      size: {},
      counts: { actual: { nodes: 3, relationships: 2, labels: { A: 3 } } },
      neo4j: { version: "5.26.3", edition: "community", database: "neo4j" },
      checks: [
        { id: "sha256.sidecar", name: "", group: "integrity", status: "pass" },
        { id: "smoke", name: "", group: "neo4j", status: "skip" },
        { id: "neo4j.load", name: "", group: "neo4j", status: "pass" },
      ],
      durations_ms: {},
    } satisfies VerifyReport;
    expect(recordOf(report, new Date("2026-12-06T16:42:09.123Z"))).toEqual({
      schemaVersion: 1,
      key: KEY,
      sha256: "a".repeat(64),
      verified_at: "2026-12-06T16:42:09.123Z",
      mode: "load",
      ok: true,
      nbs_version: pkg.version,
      checks: ["sha256.sidecar", "neo4j.load"],
      stats: { nodes: 3, relationships: 2 },
      neo4j_version: "5.26.3",
    });
  });
});
