import type { CliLogger } from "@nbs/cli-kit";
import { NbsError } from "@nbs/errors";
import type { S3ClientOptions } from "@nbs/s3-store";
import { tempDumpFile } from "@nbs/testenv/doubles";
import { describe, expect, it } from "vitest";
import { resolveUploadSettings } from "./settings.js";
import { progressReporter, runUpload } from "./run.js";

const quiet: CliLogger = { log: () => {}, flush: () => Promise.resolve(), format: "json" };

describe("nbs-upload wiring", () => {
  it("hands --payload-signing and --ca-bundle to the S3 client it creates", async () => {
    const file = tempDumpFile();
    const { settings } = resolveUploadSettings(
      { file, bucket: "nbs-test", allowAnyFile: true, payloadSigning: "always" },
      { BACKUP_S3_ENDPOINT: "https://minio.internal:9000", AWS_CA_BUNDLE: "/etc/ca.pem" },
      {},
    );
    let seen: S3ClientOptions | undefined;
    const run = runUpload(settings, {
      logger: quiet,
      env: {},
      signal: new AbortController().signal,
      createClient: (options) => {
        seen = options;
        throw new NbsError("NETWORK", "stop here");
      },
    });
    await expect(run).rejects.toThrow("stop here");
    expect(seen).toMatchObject({
      endpoint: "https://minio.internal:9000",
      caBundle: "/etc/ca.pem",
      payloadSigning: "always",
    });
  });
});

describe("nbs-upload progress", () => {
  it("reclaims memory as parts complete and logs the pause", () => {
    const events: { event: string; fields: Record<string, unknown> }[] = [];
    const logger: CliLogger = {
      ...quiet,
      log: (_level, event, fields = {}) => events.push({ event, fields }),
    };
    const seen: [number, number][] = [];
    const report = progressReporter(logger, undefined, (done, total) => {
      seen.push([done, total]);
      return done === 4 ? 12.4 : undefined;
    });
    for (const bytesSent of [2, 4, 6, 8]) {
      report.update({
        bytesSent,
        bytesReused: 0,
        totalBytes: 8,
        partsDone: bytesSent / 2,
        parts: 4,
      });
    }
    report.done();
    expect(seen).toEqual([
      [2, 8],
      [4, 8],
      [6, 8],
      [8, 8],
    ]);
    expect(events.filter((e) => e.event === "memory.reclaimed")).toEqual([
      { event: "memory.reclaimed", fields: { bytes: 4, gc_ms: 12, rss_bytes: expect.any(Number) } },
    ]);
    expect(events.filter((e) => e.event === "upload.progress").length).toBeGreaterThan(0);
  });

  it("uses V8's collector by default once a GiB has gone", () => {
    const events: string[] = [];
    const report = progressReporter(
      { ...quiet, log: (_level, event) => events.push(event) },
      undefined,
    );
    const GiB = 1024 ** 3;
    report.update({
      bytesSent: GiB / 2,
      bytesReused: 0,
      totalBytes: 2 * GiB,
      partsDone: 1,
      parts: 4,
    });
    expect(events).not.toContain("memory.reclaimed");
    report.update({ bytesSent: GiB, bytesReused: 0, totalBytes: 2 * GiB, partsDone: 2, parts: 4 });
    expect(events).toContain("memory.reclaimed");
  });

  it("never fails an upload over its housekeeping", () => {
    const report = progressReporter(quiet, undefined, () => {
      throw new Error("no /proc");
    });
    expect(() =>
      report.update({ bytesSent: 1, bytesReused: 0, totalBytes: 2, partsDone: 1, parts: 2 }),
    ).not.toThrow();
  });
});
