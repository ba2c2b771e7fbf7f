import { describe, expect, it } from "vitest";
import { resolveListSettings } from "./commands/list/settings.js";
import { renderTable } from "./commands/list/run.js";
import { resolveRestoreSettings } from "./commands/restore/settings.js";

const NEO4J = {
  NEO4J_HOME: "/opt/neo4j",
  NEO4J_URI: "bolt://127.0.0.1:7687",
  NEO4J_PASSWORD: "pw",
};

describe("nbs-verify list settings", () => {
  it("needs a valid bucket, and normalises the prefix", () => {
    expect(() => resolveListSettings({}, {}, {})).toThrow(
      expect.objectContaining({ code: "BUCKET_REQUIRED" }),
    );
    expect(() => resolveListSettings({ bucket: "Bad_Bucket" }, {}, {})).toThrow(
      expect.objectContaining({ code: "BUCKET_NAME_INVALID" }),
    );
    expect(() => resolveListSettings({ bucket: "b-1", db: "no/slash" }, {}, {})).toThrow(
      expect.objectContaining({ code: "DB_NAME_INVALID" }),
    );
    const { settings } = resolveListSettings(
      {},
      { BACKUP_S3_BUCKET: "b-1", BACKUP_S3_PREFIX: "/prod/" },
      {},
    );
    expect(settings).toMatchObject({ bucket: "b-1", prefix: "prod", all: false, json: undefined });
  });
});

describe("nbs-verify restore settings", () => {
  it("needs a source, the installation, a Bolt URI and NEO4J_PASSWORD (never a flag)", () => {
    const base = { BACKUP_S3_BUCKET: "b-1", ...NEO4J };
    expect(() => resolveRestoreSettings({}, base, {})).toThrow(
      expect.objectContaining({ code: "RESTORE_SOURCE_REQUIRED" }),
    );
    for (const missing of ["NEO4J_HOME", "NEO4J_URI", "NEO4J_PASSWORD"]) {
      const env: Record<string, string | undefined> = { ...base, [missing]: undefined };
      expect(() => resolveRestoreSettings({ latest: true }, env, {})).toThrow(
        expect.objectContaining({ code: "RESTORE_NEO4J_REQUIRED" }),
      );
    }
    const { settings } = resolveRestoreSettings({ latest: true }, base, {});
    expect(settings).toMatchObject({
      db: "neo4j",
      force: false,
      source: { kind: "latest", bucket: "b-1", db: "neo4j" },
    });
    expect(JSON.stringify(settings)).not.toContain("pw");
  });
});

describe("renderTable", () => {
  it("aligns columns newest first, shortens sha256, marks inexact counts, a recorded shrink and broken reasons, shows the last verification", () => {
    const out = renderTable([
      {
        state: "committed",
        db: "neo4j",
        key: "p/neo4j/neo4j-20260301T000000Z.dump",
        created_at: "2026-03-01T00:00:00Z",
        size: 2048,
        sha256: "a".repeat(64),
        neo4j_version: "5.26.30",
        nodes: 5,
        relationships: 4,
        counts_exact: false,
        shrink: {
          from_key: "p/neo4j/neo4j-20260201T000000Z.dump",
          from: { nodes: 50, relationships: 40, size: 4096 },
          to: { nodes: 5, relationships: 4, size: 2048 },
          ratio: 0.1,
        },
        last_verification: {
          verified_at: "2026-12-06T16:42:09.123Z",
          mode: "load",
          ok: true,
          key: "p/neo4j/neo4j-20260301T000000Z.dump.verify/20261206T164209123Z-load.json",
        },
      },
      {
        state: "broken",
        db: "neo4j",
        key: "p/neo4j/neo4j-20260201T000000Z.dump",
        created_at: "2026-02-01T00:00:00Z",
        size: 0,
        reason: "commits a dump that is missing",
      },
    ]).split("\n");
    expect(lines(out[1])).toEqual([
      "committed",
      "neo4j",
      "2026-03-01T00:00:00Z",
      "2.0",
      "KiB",
      "aaaaaaaaaaaa",
      "5.26.30",
      "-",
      "~5",
      "~4",
      "-90%",
      "2026-12-06T16:42:09Z",
      "load",
      "ok",
      "p/neo4j/neo4j-20260301T000000Z.dump",
    ]);
    expect(out[2]).toMatch(
      /^broken .* - +- +- +- +- +p\/neo4j\/neo4j-20260201T000000Z\.dump {2}\(commits a dump that is missing\)$/,
    );
    expect(out[0]!.indexOf("KEY")).toBe(out[1]!.indexOf("p/neo4j"));
    expect(renderTable([])).toBe("no backups found\n");
  });

  it("shows a locked backup's retain-until date with its mode's initial (G governance, C compliance)", () => {
    const out = renderTable([
      {
        state: "committed",
        db: "neo4j",
        key: "p/neo4j/neo4j-20260301T000000Z.dump",
        created_at: "2026-03-01T00:00:00Z",
        size: 2048,
        object_lock: { mode: "COMPLIANCE", retain_until: "2026-04-01T00:00:00.000Z" },
      },
    ]).split("\n");
    expect(out[0]).toContain("RETAIN UNTIL");
    expect(out[1]!.slice(out[0]!.indexOf("RETAIN UNTIL"))).toMatch(/^C 2026-04-01T00:00:00Z /);
  });
});

const lines = (line: string | undefined) => (line ?? "").split(/\s+/);
