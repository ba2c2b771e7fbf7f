import { NbsError } from "@nbs/errors";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runMain } from "@nbs/testenv/doubles";
import { describe, expect, it } from "vitest";
import {
  EXIT_CODES_HELP,
  LOG_SETTINGS,
  defineCommand,
  parseBool,
  parseString,
  resolveSettings,
  setting,
  runCli,
  type JsonDocument,
} from "./index.js";
import type { Command } from "./shell.js";

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzEXAMPLEKEYfake";

const TABLE = {
  ...LOG_SETTINGS,
  bucket: setting(["X_BUCKET"], "string", "bucket", undefined, parseString),
  prefix: setting(["X_PREFIX"], "string", "prefix", "", parseString),
  json: setting(["X_JSON"], "boolean", "JSON on stdout", false, parseBool),
};
const resolve = (
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>,
  file: Record<string, unknown>,
) => resolveSettings(TABLE, flags, env, file);

/** Two commands that report their settings; `ran` counts how often an implementation was reached. */
function commands() {
  const ran: string[] = [];
  const put = defineCommand({
    name: "put",
    describe: "put things",
    settings: TABLE,
    resolve,
    run: (settings) => {
      ran.push("put");
      return Promise.resolve({ outcome: "put", bucket: settings.bucket, prefix: settings.prefix });
    },
  });
  const check = defineCommand({
    name: "check",
    describe: "check things",
    about: "Checks things.",
    settings: TABLE,
    resolve,
    run: (_settings, { keep, signal }) => {
      ran.push("check");
      keep({ checked: 1, note: `seen ${SECRET}` });
      return new Promise((_, reject) => {
        const cutOff = () => reject(new NbsError("NETWORK", "request cut off: AbortError"));
        if (signal.aborted) cutOff();
        signal.addEventListener("abort", cutOff);
        setImmediate(() => reject(new NbsError("STORED_CHECKSUM_MISMATCH", "checksum mismatch")));
      });
    },
    render: (doc: JsonDocument, kept: { checked: number; note: string } | undefined) =>
      doc.ok === false && kept ? { ...doc, report: kept } : doc,
  });
  return { ran, list: [put, check] as [Command, ...Command[]] };
}

async function cli(
  argv: string[],
  options: {
    env?: Record<string, string>;
    list?: [Command, ...Command[]];
    interrupt?: AbortSignal;
  } = {},
) {
  const { code, out, err } = await runMain(
    (argv, env, io) =>
      runCli({
        program: "nbs-x",
        version: "1.2.3",
        usage: "$0 [put] [options]\n$0 check [options]",
        commands: options.list ?? commands().list,
        argv,
        env,
        io,
        interrupt: options.interrupt,
      }),
    argv,
    options.env,
  );
  return { code, out, err };
}

describe("runCli", () => {
  it("runs the first command when none is named, the named one otherwise", async () => {
    const { ran, list } = commands();
    const put = await cli(["--bucket", "b", "--json"], { list });
    expect(put.code).toBe(0);
    expect(JSON.parse(put.out)).toMatchObject({ ok: true, outcome: "put", bucket: "b" });
    const check = await cli(["check"], { list });
    expect(check.code).toBe(5);
    expect(ran).toEqual(["put", "check"]);
    expect(JSON.parse(check.err.trim().split("\n").at(-1)!)).toMatchObject({
      event: "check.result",
      code: "STORED_CHECKSUM_MISMATCH",
      category: "INTEGRITY",
      exit_code: 5,
    });
  });

  it("takes a setting from the flag over the environment over the config file over the default", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nbs-shell-"));
    const config = join(dir, "c.json");
    writeFileSync(config, JSON.stringify({ bucket: "from-file", prefix: "file-prefix" }));
    const env = { NBS_CONFIG: config, X_BUCKET: "from-env" };
    const fromEnv = await cli(["--json"], { env });
    expect(JSON.parse(fromEnv.out)).toMatchObject({ bucket: "from-env", prefix: "file-prefix" });
    const fromFlag = await cli(["--json", "--bucket", "from-flag"], { env });
    expect(JSON.parse(fromFlag.out)).toMatchObject({ bucket: "from-flag" });
    const fromDefault = await cli(["--json"]);
    expect(JSON.parse(fromDefault.out)).toMatchObject({ prefix: "" });
  });

  it.each([[["--help"]], [["put", "--help"]], [["check", "--help"]]])(
    "prints %j on its stdout, ending with the exit codes once, and runs nothing",
    async (argv) => {
      const { ran, list } = commands();
      const { code, out, err } = await cli(argv, { list });
      expect(code).toBe(0);
      expect(err).toBe("");
      expect(out.endsWith(`\n\n${EXIT_CODES_HELP}\n`)).toBe(true);
      expect(out.split("Exit codes:")).toHaveLength(2);
      expect(ran).toEqual([]);
    },
  );

  it("shows a single command's flags and about text in the program's own help", async () => {
    const { list } = commands();
    const { code, out } = await cli(["--help"], { list: [list[1]!] });
    expect(code).toBe(0);
    expect(out).toContain("--bucket");
    expect(out).toContain("Checks things.");
    expect(out).not.toContain("Commands:");
  });

  it.each([
    [["--bucket", "a", "--bucket", "b"], "--bucket"],
    [["check", "--json", "--json"], "--json"],
  ])(
    "refuses %j with exit 2 and one line naming the flag, before any command runs",
    async (argv, flag) => {
      const { ran, list } = commands();
      const { code, out, err } = await cli(argv, { list });
      expect(code).toBe(2);
      expect(out).toBe("");
      expect(err).toMatch(
        new RegExp(`^nbs-x: ${flag} was given more than once\\n {2}hint: .*\\n$`),
      );
      expect(ran).toEqual([]);
    },
  );

  it("exits 2 on a bad config file before any command runs", async () => {
    const { ran, list } = commands();
    const { code, err } = await cli([], { list, env: { NBS_CONFIG: "/nonexistent/nbs.json" } });
    expect(code).toBe(2);
    expect(err).toContain("cannot read config file /nonexistent/nbs.json");
    expect(ran).toEqual([]);
  });

  it("lets render add what run kept to the --json failure document, redacted", async () => {
    const { code, out } = await cli(["check", "--json"], {
      env: { AWS_SECRET_ACCESS_KEY: SECRET },
    });
    expect(code).toBe(5);
    const doc = JSON.parse(out) as Record<string, unknown>;
    expect(doc).toMatchObject({
      ok: false,
      error: { code: "STORED_CHECKSUM_MISMATCH", category: "INTEGRITY" },
      report: { checked: 1, note: "seen [REDACTED]" },
    });
    expect(out).not.toContain(SECRET);
  });

  it("aborts the command when the bin's interrupt fires and reports it as exit 130", async () => {
    const interrupt = new AbortController();
    interrupt.abort("SIGINT");
    const { code, out } = await cli(["check", "--json"], { interrupt: interrupt.signal });
    expect(code).toBe(130);
    expect(JSON.parse(out)).toMatchObject({
      error: { code: "INTERRUPTED", category: "ABORTED" },
      exit_code: 130,
    });
  });
});
