import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT_CODES_HELP } from "@nbs/cli-kit";
import { runMain } from "@nbs/testenv/doubles";
import { main } from "./main.js";

const run = (argv: string[], env: Record<string, string> = {}) => runMain(main, argv, env);

describe("nbs-upload command line", () => {
  it("exits 2 with a one-line message and a hint on an unknown flag", async () => {
    const { code, err } = await run(["--bukcet", "x"]);
    expect(code).toBe(2);
    expect(err).toMatch(
      /^nbs-upload: Unknown argument: bukcet\n {2}hint: see nbs-upload --help\n$/,
    );
  });

  it.each([[["--help"]], [["upload", "--help"]], [["dump", "--help"]], [["retention", "--help"]]])(
    "prints %j ending with the exit codes, once",
    async (argv) => {
      const { code, out, err } = await run(argv);
      expect(code).toBe(0);
      expect(err).toBe("");
      expect(out.endsWith(`\n\n${EXIT_CODES_HELP}\n`)).toBe(true);
      expect(out.split("Exit codes:")).toHaveLength(2);
    },
  );

  it.each([
    [
      ["--file", "/nonexistent.dump", "--bucket", "b", "--prefix", "a", "--prefix", "b"],
      "--prefix",
    ],
    [["upload", "--file", "/nonexistent.dump", "--json", "--no-json"], "--json"],
    [["dump", "--out-dir", "/nonexistent", "--dry-run", "--dry-run"], "--dry-run"],
    [["retention", "--days", "7", "--days=8"], "--days"],
  ])("refuses a flag given twice with exit 2, before any work: %j", async (argv, flag) => {
    const { code, out, err } = await run(argv);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toBe(
      `nbs-upload: ${flag} was given more than once\n` +
        "  hint: give each flag once (nbs options take one value); see nbs-upload --help\n",
    );
  });

  it("exits 2 when no file is given, naming the flag", async () => {
    const { code, out } = await run(["--bucket", "nbs-test", "--json"]);
    expect(code).toBe(2);
    expect(JSON.parse(out)).toMatchObject({
      ok: false,
      error: { code: "SETTING_MISSING", category: "USAGE", message: "missing --file" },
    });
  });

  it("exits 2 on an unreadable config file", async () => {
    const { code, err } = await run(["--config", "/nonexistent/nbs.json"]);
    expect(code).toBe(2);
    expect(err).toContain("cannot read config file /nonexistent/nbs.json");
  });

  it("rejects unknown keys in the config file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nbs-cfg-"));
    writeFileSync(join(dir, "c.json"), JSON.stringify({ bucket: "b", secretKey: "nope" }));
    const { code, err } = await run(["--config", join(dir, "c.json")]);
    expect(code).toBe(2);
    expect(err).toContain("unknown keys: secretKey");
  });

  it("prints a dry-run plan for a dump with no credentials or network", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nbs-dry-"));
    const file = join(dir, "movies-20261124T101500Z.dump");
    writeFileSync(
      file,
      Buffer.concat([Buffer.from("DZV1"), Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(64)]),
    );
    const { code, out } = await run([
      "--file",
      file,
      "--bucket",
      "nbs-test",
      "--prefix",
      "prod",
      "--dry-run",
      "--json",
    ]);
    expect(code).toBe(0);
    const plan = JSON.parse(out) as { meta: Record<string, unknown> };
    expect(plan).toMatchObject({
      outcome: "dry-run",
      key: "prod/movies/movies-20261124T101500Z.dump",
      size: 72,
      // the default: the bucket's own encryption, which only the store can name (after the write)
      sse: "bucket",
      meta: {
        db_name: "movies",
        created_at: "2026-11-24T10:15:00.000Z",
        dump_format: "neo4j-5-dump",
      },
    });
    expect(plan.meta).not.toHaveProperty("storage");
  });
});
