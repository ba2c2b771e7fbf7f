import { describe, expect, it } from "vitest";
import { buildBackupMeta } from "./build.js";
import { detectShrink, shrinkMeasures } from "./shrink.js";
import { validateBackupMeta } from "./validate.js";

const base = {
  sha256: "a".repeat(64),
  size: 1000,
  db_name: "neo4j",
  created_at: "2026-01-02T03:04:05Z",
  created_by: "ci",
  tool: { name: "nbs", version: "1.0.0" },
};

describe("shrink guard measures", () => {
  it("reports the measure that dropped most, beyond the share only", () => {
    const from = { nodes: 1000, relationships: 500, size: 10_000 };
    expect(detectShrink("k", from, { nodes: 900, relationships: 100, size: 9000 }, 0.5)).toEqual({
      from_key: "k",
      from,
      to: { nodes: 900, relationships: 100, size: 9000 },
      ratio: 0.2,
    });
    expect(detectShrink("k", from, { nodes: 600, relationships: 300, size: 6000 }, 0.5)).toBe(
      undefined,
    );
    // exactly the share is not beyond it
    expect(detectShrink("k", from, { nodes: 500, relationships: 500, size: 10_000 }, 0.5)).toBe(
      undefined,
    );
    expect(detectShrink("k", from, { nodes: 0, size: 10 }, 1)).toBe(undefined);
  });

  it("compares sizes only when either side has no counts, and the dump's uncompressed bytes", () => {
    const packed = shrinkMeasures({
      size: 100,
      compression: { algorithm: "zstd", original_size: 5000, original_sha256: "b".repeat(64) },
    });
    expect(packed).toEqual({ size: 5000 });
    expect(detectShrink("k", { size: 6000 }, packed, 0.5)).toBe(undefined);
    expect(detectShrink("k", { nodes: 10, size: 6000 }, { size: 1000 }, 0.5)?.ratio).toBeCloseTo(
      1 / 6,
    );
  });

  it("a sidecar with a shrink record validates, and one without still does", () => {
    const shrink = detectShrink(
      "p/neo4j/old.dump",
      { nodes: 10, size: 100 },
      { nodes: 1, size: 90 },
      0.5,
    )!;
    expect(buildBackupMeta({ ...base, shrink }).shrink).toEqual(shrink);
    expect(validateBackupMeta({ schemaVersion: 1, ...base }).ok).toBe(true);
    expect(
      validateBackupMeta({ schemaVersion: 1, ...base, shrink: { ...shrink, ratio: -1 } }).ok,
    ).toBe(false);
  });
});
