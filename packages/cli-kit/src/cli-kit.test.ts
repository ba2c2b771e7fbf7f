import { ERROR_CODES, NbsError, type ErrorCategory, type NbsErrorCode } from "@nbs/errors";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { pick } from "./config.js";
import { ExitCode, exitCodeFor } from "./exit-codes.js";
import { runCommand } from "./run.js";
import {
  createCliLogger,
  parseDuration,
  parseSize,
  resolveSettings,
  S3_CONNECTION_SETTINGS,
  s3ClientOptions,
  parseBool,
} from "./index.js";

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzEXAMPLEKEYfake";

function capture() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c.toString()));
  return { stream, text: () => chunks.join("") };
}

describe("exit codes", () => {
  const exitOf = {
    USAGE: 2,
    INPUT: 3,
    STORAGE: 4,
    INTEGRITY: 5,
    NEO4J: 6,
    HEALTH: 7,
    ABORTED: 130,
    BUG: 1,
  };
  it.each(Object.entries(ERROR_CODES) as [NbsErrorCode, ErrorCategory][])(
    "maps %s (%s) to its category's exit code",
    (code, category) => {
      expect(exitCodeFor(new NbsError(code, "x"))).toBe(exitOf[category]);
    },
  );

  it("treats any other error as an internal bug (1)", () => {
    expect(exitCodeFor(new TypeError("boom"))).toBe(ExitCode.INTERNAL);
  });
});

describe("logger redaction", () => {
  it("never prints a credential, whether in a message, a field or a URL", async () => {
    const out = capture();
    const logger = createCliLogger({
      format: "json",
      verbose: true,
      stream: out.stream,
      env: { AWS_SECRET_ACCESS_KEY: SECRET },
    });
    logger.log("info", "probe", {
      message: `key is ${SECRET}`,
      nested: { secretAccessKey: "x", list: [SECRET] },
      url: "http://user:hunter22@host/x",
    });
    await new Promise((r) => setTimeout(r, 20));
    const line = JSON.parse(out.text().trim()) as Record<string, unknown>;
    expect(out.text()).not.toContain(SECRET);
    expect(out.text()).not.toContain("hunter22");
    expect(line).toMatchObject({
      level: "info",
      event: "probe",
      nested: { secretAccessKey: "[REDACTED]" },
    });
    expect(typeof line["ts"]).toBe("string");
  });

  it("prints one readable line per event in pretty mode, with the hint", async () => {
    const out = capture();
    createCliLogger({ format: "pretty", verbose: false, stream: out.stream }).log(
      "error",
      "upload.result",
      { message: "bad", hint: "fix it", exit_code: 3 },
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(out.text()).toMatch(/error upload\.result: bad {2}exit_code=3\n {6}hint: fix it/);
  });

  it("hides debug events unless verbose", async () => {
    const out = capture();
    createCliLogger({ format: "json", verbose: false, stream: out.stream }).log("debug", "noise");
    await new Promise((r) => setTimeout(r, 20));
    expect(out.text()).toBe("");
  });
});

describe("runCommand", () => {
  it("turns an NbsError into its exit code, a final event and a --json error document", async () => {
    const log = capture();
    const json = capture();
    const logger = createCliLogger({ format: "json", verbose: false, stream: log.stream });
    const code = await runCommand({ logger, event: "x.result", jsonOut: json.stream }, () =>
      Promise.reject(new NbsError("FILE_NOT_FOUND", "file missing", { hint: "check --file" })),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(code).toBe(3);
    expect(JSON.parse(json.text())).toMatchObject({
      ok: false,
      exit_code: 3,
      error: {
        code: "FILE_NOT_FOUND",
        category: "INPUT",
        message: "file missing",
        hint: "check --file",
      },
    });
    expect(JSON.parse(log.text())).toMatchObject({
      event: "x.result",
      outcome: "failed",
      exit_code: 3,
    });
  });

  it("reports any failure after SIGTERM as an interruption (130), not as the cut-off request's error", async () => {
    const json = capture();
    const logger = createCliLogger({ format: "json", verbose: false, stream: capture().stream });
    const interrupt = new AbortController(); // what startCli aborts on the first signal
    const code = await runCommand(
      { logger, event: "x.result", jsonOut: json.stream, interrupt: interrupt.signal },
      (signal) => {
        setImmediate(() => interrupt.abort("SIGTERM"));
        return new Promise((_, reject) =>
          signal.addEventListener("abort", () =>
            reject(new NbsError("NETWORK", "write sidecar failed: AbortError")),
          ),
        );
      },
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(code).toBe(130);
    expect(JSON.parse(json.text())).toMatchObject({
      exit_code: 130,
      error: {
        code: "INTERRUPTED",
        category: "ABORTED",
        message: "interrupted by SIGTERM: write sidecar failed: AbortError",
      },
    });
  });

  it.each([
    ["NEO4J_NOT_RESTARTED", "the dump failed and Neo4j did not restart"],
    ["RESTORE_RESTART_FAILED", "the load failed and Neo4j did not start again"],
    ["RESTORE_UNFINISHED", "restore interrupted after the load of neo4j began"],
  ] as const)(
    "keeps %s (exit 6) after SIGTERM: a Neo4j left down or a replaced database is not 'nothing committed'",
    async (code, message) => {
      const json = capture();
      const logger = createCliLogger({ format: "json", verbose: false, stream: capture().stream });
      const interrupt = new AbortController();
      const exit = await runCommand(
        { logger, event: "x.result", jsonOut: json.stream, interrupt: interrupt.signal },
        (signal) => {
          setImmediate(() => interrupt.abort("SIGTERM"));
          return new Promise((_, reject) =>
            signal.addEventListener("abort", () => reject(new NbsError(code, message))),
          );
        },
      );
      expect(exit).toBe(6);
      expect(JSON.parse(json.text())).toMatchObject({
        exit_code: 6,
        error: { code, category: "NEO4J", message },
      });
    },
  );
});

describe("configuration helpers", () => {
  it("prefers flag over environment over config file over default", () => {
    const parse = (v: unknown) => String(v);
    expect(pick("bucket", { flag: "f", env: "e", file: "c", fallback: "d" }, parse)).toEqual({
      value: "f",
      origin: "flag",
    });
    expect(pick("bucket", { flag: undefined, env: "e", file: "c", fallback: "d" }, parse)).toEqual({
      value: "e",
      origin: "env",
    });
    expect(
      pick("bucket", { flag: undefined, env: undefined, file: "c", fallback: "d" }, parse),
    ).toEqual({ value: "c", origin: "file" });
    expect(
      pick("bucket", { flag: undefined, env: "", file: undefined, fallback: "d" }, parse),
    ).toEqual({ value: "d", origin: "default" });
  });

  it("parses sizes and booleans and rejects nonsense with a usage error", () => {
    expect(parseSize("16MiB", "--part-size")).toBe(16 * 1024 * 1024);
    expect(parseSize("1g", "x")).toBe(1024 ** 3);
    expect(parseSize(8388608, "x")).toBe(8388608);
    expect(() => parseSize("lots", "--part-size")).toThrow(/invalid size "lots" for --part-size/);
    expect(() => parseSize("lots", "x")).toThrow(
      expect.objectContaining({ code: "SETTING_INVALID", category: "USAGE" }),
    );
    expect(parseBool("true", "x")).toBe(true);
    expect(() => parseBool("maybe", "x")).toThrow(
      expect.objectContaining({ code: "SETTING_INVALID" }),
    );
  });

  it("parses durations as seconds by default and refuses zero, which would mean no bound", () => {
    expect(parseDuration("15", "x")).toBe(15_000);
    expect(parseDuration("1.5s", "x")).toBe(1500);
    expect(parseDuration("500ms", "x")).toBe(500);
    expect(parseDuration("2m", "x")).toBe(120_000);
    expect(() => parseDuration("0", "--request-timeout")).toThrow(/--request-timeout/);
    expect(() => parseDuration("soon", "x")).toThrow(
      expect.objectContaining({ code: "SETTING_INVALID" }),
    );
  });

  it("gives both CLIs connect and request timeouts from flag, env or config, into the S3 client", () => {
    const resolve = (flags: Record<string, unknown>, env: Record<string, string>, file = {}) =>
      s3ClientOptions(resolveSettings(S3_CONNECTION_SETTINGS, flags, env, file).settings);
    expect(resolve({}, {})).toMatchObject({ connectTimeoutMs: 5000, requestTimeoutMs: 15_000 });
    expect(resolve({}, { NBS_REQUEST_TIMEOUT: "2s", NBS_CONNECT_TIMEOUT: "300ms" })).toMatchObject({
      connectTimeoutMs: 300,
      requestTimeoutMs: 2000,
    });
    expect(
      resolve({ requestTimeout: "1m" }, { NBS_REQUEST_TIMEOUT: "2s" }, { connectTimeout: 7 }),
    ).toMatchObject({
      connectTimeoutMs: 7000,
      requestTimeoutMs: 60_000,
    });
  });
});
