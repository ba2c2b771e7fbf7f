import type { FinishedRun } from "@nbs/cli-kit";
import type { BackupFileResult } from "@nbs/s3-store";
import { describe, expect, it } from "vitest";
import { resolveDumpSettings } from "./commands/dump/settings.js";
import { dumpMetrics, uploadMetrics } from "./metrics.js";
import { resolveUploadSettings } from "./commands/upload/settings.js";

const endedAt = new Date(1_800_000_000_000);
const ok = (result: Record<string, unknown>): FinishedRun => ({
  ok: true,
  result: { outcome: "uploaded", ...result },
  exitCode: 0,
  endedAt,
  durationMs: 2500,
});
const failed: FinishedRun = {
  ok: false,
  error: new Error("x"),
  exitCode: 4,
  endedAt,
  durationMs: 10,
};
const upload = (flags: Record<string, unknown>) =>
  resolveUploadSettings(
    { file: "/d/movies-20261124T101500Z.dump", prefix: "/prod/", ...flags },
    {},
    {},
  ).settings;
const stored = (meta: Record<string, unknown>) =>
  ({ size: 4096, meta: { db_name: "graph", ...meta } }) as unknown as BackupFileResult;
const values = (m: ReturnType<typeof uploadMetrics>) =>
  Object.fromEntries((m?.samples ?? []).map((s) => [s.name, s.value]));

describe("uploadMetrics", () => {
  it("reports a stored backup's time, size, counts and downtime under its db and the prefix", () => {
    const run = ok({});
    const metrics = uploadMetrics(
      upload({ metricsFile: "/m/nbs.prom" }),
      run,
      stored({ stats: { nodes: 42, relationships: 7, exact: true }, downtime_ms: 1500 }),
    );
    expect(metrics).toMatchObject({ job: "nbs_backup", metricsFile: "/m/nbs.prom" });
    expect(
      metrics?.samples.every((s) => s.labels.db === "graph" && s.labels.prefix === "prod"),
    ).toBe(true);
    expect(values(metrics)).toEqual({
      nbs_backup_last_attempt_timestamp_seconds: 1_800_000_000,
      nbs_backup_last_attempt_success: 1,
      nbs_backup_duration_seconds: 2.5,
      nbs_backup_last_success_timestamp_seconds: 1_800_000_000,
      nbs_backup_size_bytes: 4096,
      nbs_backup_nodes: 42,
      nbs_backup_relationships: 7,
      nbs_backup_downtime_seconds: 1.5,
    });
  });

  it("leaves out counts recorded as inexact, and downtime when the sidecar has none", () => {
    const metrics = uploadMetrics(
      upload({}),
      ok({}),
      stored({ stats: { nodes: 1, relationships: 1, exact: false } }),
    );
    expect(values(metrics)).not.toHaveProperty("nbs_backup_downtime_seconds");
    expect(values(metrics)).not.toHaveProperty("nbs_backup_nodes");
  });

  it("reports a failed attempt under the db of the file name, without a success time", () => {
    const metrics = uploadMetrics(upload({}), failed, undefined);
    expect(metrics?.samples[0]?.labels).toEqual({
      db: "movies",
      prefix: "prod",
      outcome: "failed",
    });
    expect(values(metrics)).toEqual({
      nbs_backup_last_attempt_timestamp_seconds: 1_800_000_000,
      nbs_backup_last_attempt_success: 0,
      nbs_backup_duration_seconds: 0.01,
    });
  });

  it("reports nothing for a dry run", () => {
    expect(uploadMetrics(upload({ dryRun: true }), ok({}), undefined)).toBeUndefined();
  });
});

describe("dumpMetrics", () => {
  const dump = (flags: Record<string, unknown>) =>
    resolveDumpSettings({ neo4jHome: "/n", db: "graph", prefix: "prod", ...flags }, {}, {})
      .settings;

  it("reports a local dump as a dump attempt (the upload stores the backup), with its downtime", () => {
    const metrics = dumpMetrics(
      dump({ outDir: "/o" }),
      ok({ outcome: "dumped", size: 10, downtime_ms: 800 }),
    );
    expect(metrics?.job).toBe("nbs_dump");
    expect(values(metrics)).toEqual({
      nbs_dump_last_attempt_timestamp_seconds: 1_800_000_000,
      nbs_dump_last_attempt_success: 1,
      nbs_dump_duration_seconds: 2.5,
      nbs_backup_downtime_seconds: 0.8,
    });
  });

  it("reports --to-s3 as a backup attempt with size and counts", () => {
    const metrics = dumpMetrics(
      dump({ toS3: true, bucket: "b" }),
      ok({ size: 10, stats: { nodes: 3, relationships: 2 } }),
    );
    expect(metrics?.job).toBe("nbs_backup");
    expect(values(metrics)).toMatchObject({
      nbs_backup_last_success_timestamp_seconds: 1_800_000_000,
      nbs_backup_size_bytes: 10,
      nbs_backup_nodes: 3,
    });
    expect(dumpMetrics(dump({ toS3: true, bucket: "b", dryRun: true }), ok({}))).toBeUndefined();
  });
});
