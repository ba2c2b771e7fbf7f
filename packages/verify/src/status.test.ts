import { describe, expect, it } from "vitest";
import type { CatalogEntry } from "./catalog.js";
import { evaluateStatus } from "./status.js";

const NOW = new Date("2026-12-06T12:00:00Z");
const H = 3_600_000;
const T = { maxAgeMs: 26 * H, maxVerifyAgeMs: 8 * 24 * H, maxShrink: 0.5 };
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString().replace(/\.\d{3}Z$/, "Z");

function backup(hoursAgo: number, nodes: number, more: Partial<CatalogEntry> = {}): CatalogEntry {
  return {
    state: "committed",
    db: "neo4j",
    key: `p/neo4j/neo4j-${hoursAgo}h.dump`,
    created_at: ago(hoursAgo * H),
    size: nodes * 10,
    nodes,
    relationships: nodes,
    ...more,
  };
}
const verified = (hoursAgo: number) => ({
  last_verification: { verified_at: ago(hoursAgo * H), mode: "load", ok: true, key: "record" },
});
const codes = (entries: CatalogEntry[], expected: string[] = []) =>
  evaluateStatus(entries, T, NOW, expected).databases.map((d) => [
    d.db,
    d.problems.map((p) => p.code),
  ]);

describe("evaluateStatus", () => {
  it("passes a fresh, verified, not shrunk backup and describes newest, previous and verification", () => {
    const report = evaluateStatus([backup(30, 100, verified(20)), backup(2, 90)], T, NOW);
    expect(report.ok).toBe(true);
    expect(report.databases[0]).toMatchObject({
      db: "neo4j",
      ok: true,
      newest: { key: "p/neo4j/neo4j-2h.dump", age_ms: 2 * H, nodes: 90, size: 900 },
      previous: { key: "p/neo4j/neo4j-30h.dump" },
      change_ratio: 0.9,
      verification: { key: "p/neo4j/neo4j-30h.dump", age_ms: 20 * H, mode: "load" },
      committed: 2,
      problems: [],
    });
  });

  it("flags a newest backup older than --max-age as BACKUP_STALE (by the sidecar's created_at)", () => {
    expect(codes([backup(27, 100, verified(1))])).toEqual([["neo4j", ["BACKUP_STALE"]]]);
    expect(codes([backup(25, 100, verified(1))])).toEqual([["neo4j", []]]);
  });

  it("flags no committed backup as NO_BACKUP: an expected db, or nothing at all", () => {
    expect(codes([backup(1, 10, verified(1))], ["neo4j", "movies"])).toEqual([
      ["movies", ["NO_BACKUP"]],
      ["neo4j", []],
    ]);
    expect(codes([])).toEqual([["*", ["NO_BACKUP"]]]);
    // Only broken and uncommitted dumps: still no backup, and they are listed.
    const report = evaluateStatus(
      [
        { ...backup(1, 10), state: "broken", reason: "commits a dump that is missing" },
        { ...backup(0, 10), state: "uncommitted" },
      ],
      T,
      NOW,
    );
    expect(report.databases[0]).toMatchObject({
      problems: [{ code: "NO_BACKUP" }],
      broken: [{ key: "p/neo4j/neo4j-1h.dump", reason: "commits a dump that is missing" }],
      uncommitted: ["p/neo4j/neo4j-0h.dump"],
    });
  });

  it("flags a drop beyond --max-shrink vs the previous backup as BACKUP_SHRANK, sizes uncompressed", () => {
    expect(codes([backup(30, 1000, verified(1)), backup(2, 100)])).toEqual([
      ["neo4j", ["BACKUP_SHRANK"]],
    ]);
    // Compressed now, same dump: the stored size dropped, the dump's did not.
    expect(
      codes([backup(30, 1000, verified(1)), backup(2, 1000, { size: 100, dump_size: 10_000 })]),
    ).toEqual([["neo4j", []]]);
  });

  it("judges the sidecar's recorded shrink when the previous backup is no longer there", () => {
    const shrink = {
      from_key: "p/neo4j/gone.dump",
      from: { nodes: 1000, size: 10_000 },
      to: { nodes: 10, size: 100 },
      ratio: 0.01,
    };
    const report = evaluateStatus([backup(2, 10, { ...verified(1), shrink })], T, NOW);
    expect(report.databases[0]!.problems).toEqual([
      { code: "BACKUP_SHRANK", message: expect.stringContaining("99% smaller") },
    ]);
  });

  it("flags no verification within --max-verify-age, or none ever, as VERIFY_STALE, most urgent first", () => {
    expect(codes([backup(2, 100, verified(9 * 24))])).toEqual([["neo4j", ["VERIFY_STALE"]]]);
    expect(codes([backup(30, 100)])).toEqual([["neo4j", ["BACKUP_STALE", "VERIFY_STALE"]]]);
    const never = evaluateStatus([backup(2, 100)], T, NOW).databases[0]!.problems[0]!;
    expect(never.message).toContain("no verification record");
  });

  it("lists only dumps without a sidecar newer than the newest committed backup as uncommitted", () => {
    const report = evaluateStatus(
      [
        { ...backup(40, 1), state: "uncommitted" },
        backup(30, 100, verified(1)),
        { ...backup(1, 1), state: "uncommitted" },
      ],
      T,
      NOW,
    );
    expect(report.databases[0]!.uncommitted).toEqual(["p/neo4j/neo4j-1h.dump"]);
  });
});
