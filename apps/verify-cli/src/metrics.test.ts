import type { FinishedRun } from "@nbs/cli-kit";
import type { VerifyReport } from "@nbs/verify";
import { describe, expect, it } from "vitest";
import { verifyMetrics } from "./metrics.js";
import { resolveVerifySettings } from "./commands/verify/settings.js";

const endedAt = new Date(1_800_000_000_000);
const ok: FinishedRun = {
  ok: true,
  result: { outcome: "verified" },
  exitCode: 0,
  endedAt,
  durationMs: 1000,
};
const failed: FinishedRun = {
  ok: false,
  error: new Error("x"),
  exitCode: 5,
  endedAt,
  durationMs: 1,
};
const settings = (flags: Record<string, unknown>) =>
  resolveVerifySettings({ mode: "checksum", ...flags }, {}, {}).settings;
const labels = (m: ReturnType<typeof verifyMetrics>) => m?.samples.map((s) => s.labels);

describe("verifyMetrics", () => {
  it("groups a verification by the key's db and prefix, with its mode", () => {
    const m = verifyMetrics(
      settings({ s3Uri: "s3://bkt/prod/eu/neo4j/neo4j-20261124T101500Z.dump" }),
      failed,
      undefined,
    );
    expect(m?.job).toBe("nbs_verify");
    expect(labels(m)?.[0]).toEqual({
      db: "neo4j",
      prefix: "prod/eu",
      mode: "checksum",
      outcome: "failed",
    });
    expect(m?.samples.map((s) => s.name)).not.toContain(
      "nbs_verify_last_success_timestamp_seconds",
    );
  });

  it("takes --latest's prefix and the verified backup's database from the report", () => {
    const report = {
      source: {
        kind: "latest",
        location: "s3://bkt/k",
        key: "p/movies/movies-20261124T101500Z.dump",
      },
      backup: { db_name: "movies" },
    } as unknown as VerifyReport;
    const m = verifyMetrics(settings({ latest: true, bucket: "bkt", prefix: "p" }), ok, report);
    expect(labels(m)?.[1]).toEqual({ db: "movies", prefix: "p", mode: "checksum" });
    expect(m?.samples.map((s) => s.name)).toContain("nbs_verify_last_success_timestamp_seconds");
  });

  it("reports nothing for a local --file or a dry run: they say nothing about the stored backups", () => {
    expect(verifyMetrics(settings({ file: "/x.dump" }), ok, undefined)).toBeUndefined();
    expect(
      verifyMetrics(
        settings({ s3Uri: "s3://bkt/neo4j/neo4j-20261124T101500Z.dump", dryRun: true }),
        ok,
        undefined,
      ),
    ).toBeUndefined();
  });
});
