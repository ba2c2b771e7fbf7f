import { NbsError } from "@nbs/errors";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runMain } from "@nbs/testenv/doubles";
import { afterEach, describe, expect, it } from "vitest";
import {
  LOG_SETTINGS,
  METRICS_SETTINGS,
  attemptSamples,
  defineCommand,
  parseBool,
  resolveSettings,
  runCli,
  setting,
  type FinishedRun,
} from "./index.js";
import { parseMetricsText, writeMetricsFile } from "./metrics-file.js";
import { pushMetrics } from "./pushgateway.js";

const group = { db: "neo4j", prefix: "prod/eu" };
const ok = (at: number): FinishedRun => ({
  ok: true,
  result: { outcome: "uploaded" },
  exitCode: 0,
  endedAt: new Date(at * 1000),
  durationMs: 1500,
});
const failed = (at: number): FinishedRun => ({
  ok: false,
  error: new Error("x"),
  exitCode: 4,
  endedAt: new Date(at * 1000),
  durationMs: 200,
});
const value = (text: string, name: string, labels: Record<string, string> = {}) =>
  parseMetricsText(text).find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;

const tempDir = () => mkdtempSync(join(tmpdir(), "nbs-metrics-"));

describe("writeMetricsFile", () => {
  it("keeps the last success time through a failed attempt, which sets the attempt's outcome", async () => {
    const path = join(tempDir(), "nbs.prom");
    await writeMetricsFile(path, attemptSamples("backup", group, ok(1000)));
    await writeMetricsFile(path, attemptSamples("backup", group, failed(2000)));
    const text = readFileSync(path, "utf8");
    expect(value(text, "nbs_backup_last_success_timestamp_seconds", group)).toBe(1000);
    expect(
      value(text, "nbs_backup_last_attempt_timestamp_seconds", { ...group, outcome: "failed" }),
    ).toBe(2000);
    expect(value(text, "nbs_backup_last_attempt_timestamp_seconds", { outcome: "uploaded" })).toBe(
      undefined,
    );
    expect(value(text, "nbs_backup_last_attempt_success", group)).toBe(0);
    expect(text).toContain("# TYPE nbs_backup_last_success_timestamp_seconds gauge");
  });

  it("replaces a group's series on success and keeps the other databases' in a shared file", async () => {
    const dir = tempDir();
    const path = join(dir, "nbs.prom");
    const other = { db: "other", prefix: "prod/eu" };
    await writeMetricsFile(path, attemptSamples("backup", other, ok(500)));
    await writeMetricsFile(path, attemptSamples("backup", group, ok(1000)));
    await writeMetricsFile(path, attemptSamples("backup", group, ok(3000)));
    const text = readFileSync(path, "utf8");
    expect(value(text, "nbs_backup_last_success_timestamp_seconds", group)).toBe(3000);
    expect(value(text, "nbs_backup_last_success_timestamp_seconds", other)).toBe(500);
    expect(parseMetricsText(text)).toHaveLength(8);
    // Written through a temp file and a rename: nothing else is left in the directory.
    expect(readdirSync(dir)).toEqual(["nbs.prom"]);
  });

  it("reads back label values with quotes, backslashes and newlines as written", async () => {
    const path = join(tempDir(), "nbs.prom");
    const odd = { db: "neo4j", prefix: 'a"b\\c\nd' };
    await writeMetricsFile(path, attemptSamples("verify", odd, ok(10), { mode: "load" }));
    await writeMetricsFile(path, attemptSamples("verify", odd, failed(20), { mode: "load" }));
    const text = readFileSync(path, "utf8");
    expect(value(text, "nbs_verify_last_success_timestamp_seconds", odd)).toBe(10);
  });
});

interface Received {
  method: string | undefined;
  url: string | undefined;
  authorization: string | undefined;
  body: string;
}

describe("pushMetrics", () => {
  const servers: Array<ReturnType<typeof createServer>> = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });
  async function receiver(answer: (res: ServerResponse, req: IncomingMessage) => void) {
    const received: Received[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push({
          method: req.method,
          url: req.url,
          authorization: req.headers.authorization,
          body,
        });
        answer(res, req);
      });
    });
    servers.push(server);
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    return { received, port };
  }

  it("POSTs each db/prefix group under job, db and prefix (base64url), with Basic auth from the URL", async () => {
    const { received, port } = await receiver((res) => res.writeHead(200).end());
    const password = `pw-${Date.now()}`;
    const samples = [
      ...attemptSamples("backup", group, ok(1000)),
      ...attemptSamples("backup", { db: "other", prefix: "" }, ok(1000)),
    ];
    await pushMetrics({
      url: `http://user:${password}@127.0.0.1:${port}`,
      job: "nbs_backup",
      samples,
    });
    expect(received.map((r) => [r.method, r.url])).toEqual([
      ["POST", `/metrics/job/nbs_backup/db@base64/bmVvNGo/prefix@base64/cHJvZC9ldQ`],
      ["POST", `/metrics/job/nbs_backup/db@base64/b3RoZXI/prefix@base64/=`],
    ]);
    expect(received[0]!.authorization).toBe(
      `Basic ${Buffer.from(`user:${password}`).toString("base64")}`,
    );
    expect(value(received[0]!.body, "nbs_backup_last_success_timestamp_seconds", group)).toBe(1000);
    expect(received[1]!.body).not.toContain('db="neo4j"');
  });

  it("fails on an error answer, and within the timeout on a Pushgateway that never answers", async () => {
    const error = await receiver((res) => res.writeHead(500).end("storage full"));
    const push = (port: number, timeoutMs?: number) =>
      pushMetrics({
        url: `http://127.0.0.1:${port}`,
        job: "nbs_backup",
        samples: attemptSamples("backup", group, ok(1)),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      });
    await expect(push(error.port)).rejects.toThrow(/answered 500: storage full/);
    const hang = await receiver(() => {});
    await expect(push(hang.port, 300)).rejects.toMatchObject({ name: "TimeoutError" });
  });
});

describe("a command's metrics, through runCli", () => {
  const TABLE = {
    ...LOG_SETTINGS,
    ...METRICS_SETTINGS,
    json: setting(["X_JSON"], "boolean", "JSON on stdout", false, parseBool),
  };
  const command = (fail: boolean) =>
    defineCommand({
      name: "backup",
      describe: "back up",
      settings: TABLE,
      resolve: (flags, env, file) => resolveSettings(TABLE, flags, env, file),
      run: () =>
        fail
          ? Promise.reject(new NbsError("NETWORK", "network down"))
          : Promise.resolve({ outcome: "uploaded" }),
      metrics: (settings, run) => ({
        job: "nbs_backup",
        samples: attemptSamples("backup", group, run),
        ...(settings.metricsFile ? { metricsFile: settings.metricsFile } : {}),
        ...(settings.pushgateway ? { pushgateway: settings.pushgateway } : {}),
        pushTimeoutMs: 300,
      }),
    });
  async function cli(argv: string[], fail = false) {
    const { code, err, events } = await runMain(
      (argv, env, io) =>
        runCli({
          program: "nbs-x",
          version: "1",
          usage: "$0",
          commands: [command(fail)],
          argv,
          env,
          io,
        }),
      argv,
    );
    return { code, err, events };
  }

  it("writes the file after a success and after a failure", async () => {
    const path = join(tempDir(), "nbs.prom");
    expect((await cli(["--metrics-file", path])).code).toBe(0);
    expect((await cli(["--metrics-file", path], true)).code).toBe(4);
    const text = readFileSync(path, "utf8");
    expect(value(text, "nbs_backup_last_attempt_success", group)).toBe(0);
    expect(value(text, "nbs_backup_last_success_timestamp_seconds", group)).toBeGreaterThan(0);
  });

  it("warns when the push or the file fails, keeps the exit code, and never logs the URL's password", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "blocker"), "");
    const password = `pw-${Date.now()}`;
    const run = await cli([
      "--metrics-file",
      join(dir, "blocker", "nbs.prom"),
      "--pushgateway",
      `http://nbs:${password}@127.0.0.1:1`,
    ]);
    expect(run.code).toBe(0);
    expect(run.events.filter((e) => e["level"] === "warn").map((e) => e["event"])).toEqual([
      "metrics.file.failed",
      "metrics.push.failed",
    ]);
    expect(run.err).not.toContain(password);
  });

  it("refuses a Pushgateway URL that is not http(s) without echoing it", async () => {
    const secret = `pw-${Date.now()}`;
    const run = await cli(["--pushgateway", `ftp://u:${secret}@host`]);
    expect(run.code).toBe(2);
    expect(run.err).toContain("invalid Pushgateway URL");
    expect(run.err).not.toContain(secret);
  });
});
