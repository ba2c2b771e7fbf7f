import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { describeFailures, integrityChecks, short, statsChecks } from "./checks.js";

const bytes = Buffer.from("a neo4j dump");
const hex = createHash("sha256").update(bytes).digest("hex");
const base64 = createHash("sha256").update(bytes).digest("base64");
const digest = { hex, base64, size: bytes.length };
const meta = {
  schemaVersion: 1 as const,
  sha256: hex,
  size: bytes.length,
  db_name: "neo4j",
  created_at: "2026-11-24T10:15:00Z",
  created_by: "t",
  tool: { name: "nbs-upload", version: "0.1.0" },
};
const object = {
  size: bytes.length,
  etag: "e",
  metadata: { "nbs-sha256": hex, "nbs-db": "neo4j" },
  checksumSha256: base64,
};

describe("integrity checks", () => {
  it("passes when sidecar, HEAD size, nbs-sha256, checksum and db name all agree with the bytes", () => {
    const checks = integrityChecks({ meta, object, stored: digest });
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ["size.sidecar", "pass"],
      ["sha256.sidecar", "pass"],
      ["size.object", "pass"],
      ["sha256.object", "pass"],
      ["sha256.object-checksum", "pass"],
      ["db.object", "pass"],
    ]);
  });

  it("names each mismatch with expected and actual, hashes shortened", () => {
    const other = "f".repeat(64);
    const checks = integrityChecks({
      meta: { ...meta, sha256: other },
      object: { ...object, size: 99 },
      stored: digest,
    });
    expect(describeFailures(checks)).toBe(
      `sha256 = sidecar: expected ffffffffffff…, actual ${hex.slice(0, 12)}…; size = stored object (HEAD): expected 99, actual ${bytes.length}`,
    );
  });

  it("skips what cannot be compared: no sidecar, no nbs-sha256 (multipart), a composite checksum", () => {
    const checks = integrityChecks({
      meta: undefined,
      object: { size: bytes.length, etag: "e", metadata: {}, checksumSha256: "abc=-3" },
      stored: digest,
    });
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ["sidecar", "skip"],
      ["size.object", "pass"],
      ["sha256.object", "skip"],
    ]);
  });

  it("checks the uncompressed size and sha256 of a backup nbs compressed", () => {
    const compressed = {
      ...meta,
      compression: {
        algorithm: "zstd" as const,
        original_size: 10,
        original_sha256: "0".repeat(64),
      },
    };
    const checks = integrityChecks({
      meta: compressed,
      object: undefined,
      stored: digest,
      original: { hex: "0".repeat(64), base64: "", size: 11 },
    });
    expect(checks.filter((c) => c.status === "fail").map((c) => c.id)).toEqual(["size.original"]);
  });
});

describe("count checks", () => {
  const actual = {
    nodes: 5,
    relationships: 4,
    labels: { Person: 3, Movie: 2 },
    relationship_types: { ACTED_IN: 4 },
  };

  it("compares totals and every label and type, including ones only one side has", () => {
    const checks = statsChecks(
      {
        nodes: 5,
        relationships: 4,
        labels: { Person: 3, Movie: 2, Ghost: 1 },
        relationship_types: { ACTED_IN: 4 },
      },
      actual,
    );
    expect(checks.map((c) => [c.name, c.status, c.expected, c.actual])).toEqual([
      ["nodes", "pass", 5, 5],
      ["relationships", "pass", 4, 4],
      [":Ghost", "fail", 1, 0],
      [":Movie", "pass", 2, 2],
      [":Person", "pass", 3, 3],
      ["[:ACTED_IN]", "pass", 4, 4],
    ]);
  });

  it("does not compare counts the sidecar marks inexact (writes between counting and the stop)", () => {
    const checks = statsChecks(
      { nodes: 4, relationships: 4, exact: false, counted_at_tx: 41, dumped_at_tx: 44 },
      actual,
    );
    expect(checks).toEqual([
      expect.objectContaining({
        id: "counts",
        status: "skip",
        detail:
          "not comparable: transactions were committed between counting and the stop (transaction 41 when counted, 44 when dumped), so the sidecar's counts do not describe the dump",
      }),
    ]);
  });

  it("compares counts marked exact strictly, as it does counts recorded without exactness", () => {
    for (const exact of [true, undefined]) {
      const checks = statsChecks({ nodes: 4, relationships: 4, exact }, actual);
      expect(checks.find((c) => c.id === "count.nodes")).toMatchObject({
        status: "fail",
        expected: 4,
        actual: 5,
      });
    }
  });

  it("skips, with a reason, when the sidecar has no stats", () => {
    expect(statsChecks(undefined, actual)).toEqual([
      expect.objectContaining({
        id: "counts",
        status: "skip",
        detail: expect.stringContaining("no stats"),
      }),
    ]);
  });

  it("compares only totals when the sidecar has no per-label counts", () => {
    expect(
      statsChecks({ nodes: 5, relationships: 3 }, actual).map((c) => [c.id, c.status]),
    ).toEqual([
      ["count.nodes", "pass"],
      ["count.relationships", "fail"],
    ]);
  });
});

describe("short", () => {
  it("shortens sha256 hex only", () => {
    expect(short("a".repeat(64))).toBe("aaaaaaaaaaaa…");
    expect(short(42)).toBe("42");
    expect(short(undefined)).toBe("—");
  });
});
