import { describe, expect, it } from "vitest";
import type { RestoreServerReport } from "./restore-report.js";
import { renderRestoreSummaryMarkdown } from "./restore-markdown.js";

const report: RestoreServerReport = {
  outcome: "restored",
  source: { kind: "file", location: "/backups/neo4j.dump" },
  sha256: {},
  size: {},
  target: {
    database: "neo4j",
    neo4j_home: "/opt/neo4j",
    neo4j_version: "5.26.30",
    edition: "community",
    running: true,
    nodes_before: 12,
    forced: true,
    server: {
      uri: "bolt://127.0.0.1:7687",
      proven_by: "neo4j_home",
      neo4j_home: "/opt/neo4j",
      data_dir: "/opt/neo4j/data",
    },
  },
  preflight: {
    database: { target: "neo4j", backup: "movies", renamed: true },
    version: { dump: "5.26.1", target: "5.26.30", loadable: "yes" },
    space: { data_dir: "/opt/neo4j/data", free_bytes: 9000, needed_bytes: 300, factor: 3 },
  },
  safety_copy: {
    status: "made",
    dir: "/opt/neo4j/nbs-safety-copies",
    file: "/opt/neo4j/nbs-safety-copies/neo4j-20261206T140000Z-x/neo4j.dump",
    sidecar: "/opt/neo4j/nbs-safety-copies/neo4j-20261206T140000Z-x/neo4j.dump.meta.json",
    sha256: "ab".repeat(32),
    size: 100,
  },
  checks: [],
  durations_ms: {},
};

describe("renderRestoreSummaryMarkdown", () => {
  it("names the safety copy and what was proven before the stop", () => {
    const md = renderRestoreSummaryMarkdown(report);
    expect(md).toContain("✅ restored");
    expect(md).toContain(
      "| safety copy | `/opt/neo4j/nbs-safety-copies/neo4j-20261206T140000Z-x/neo4j.dump`",
    );
    expect(md).toContain("the backup of `movies`, --as-db");
    expect(md).toContain("bolt://127.0.0.1:7687: reports the installation's home");
  });

  it("warns when there is no safety copy, and shows a failure with its hint", () => {
    const md = renderRestoreSummaryMarkdown(
      { ...report, safety_copy: { status: "skipped" } },
      {
        code: "RESTORE_LOAD_FAILED",
        message: "load failed",
        hint: "the safety copy /x/neo4j.dump",
      },
    );
    expect(md).toContain("❌ failed");
    expect(md).toContain("> **RESTORE_LOAD_FAILED**: load failed");
    expect(md).toContain("hint: the safety copy /x/neo4j.dump");
    expect(md).toContain("⚠️ none (--no-safety-copy)");
  });
});
