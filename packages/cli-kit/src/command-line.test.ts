import { NbsError } from "@nbs/errors";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseCommandLine } from "./command-line.js";

/** Stands in for yargs: every builder call is a no-op, parsing yields `parsed`. */
function fakeParser(parsed: Record<string, unknown> = { _: [] }) {
  const parser = {
    option: () => parser,
    epilogue: () => parser,
    strict: () => parser,
    exitProcess: () => parser,
    fail: () => parser,
    help: () => parser,
    version: () => parser,
    wrap: () => parser,
    parseAsync: () => Promise.resolve(parsed),
  };
  return parser;
}

const parse = (argv: string[], parsed?: Record<string, unknown>) =>
  parseCommandLine(fakeParser(parsed), {
    program: "nbs-x",
    version: "0",
    argv,
    columns: 80,
    stdout: new PassThrough(),
  });

async function usageError(argv: string[]): Promise<NbsError> {
  const error: unknown = await parse(argv).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(NbsError);
  expect((error as NbsError).code).toBe("FLAG_REPEATED");
  expect((error as NbsError).category).toBe("USAGE");
  return error as NbsError;
}

describe("a flag given more than once", () => {
  it.each([
    [["--prefix", "a", "--prefix", "b"], "--prefix"],
    [["--prefix=a", "--bucket", "b", "--prefix", "b"], "--prefix"],
    [["--json", "--json"], "--json"],
    [["--json", "--no-json"], "--json"],
    [["dump", "--dry-run", "--dryRun"], "--dry-run"],
  ])("is a usage error naming it: %j", async (argv, flag) => {
    const error = await usageError(argv);
    expect(error.message).toBe(`${flag} was given more than once`);
    expect(error.hint).toContain("give each flag once");
  });

  it("names every repeated flag", async () => {
    const error = await usageError(["--a", "1", "--b", "2", "--a", "3", "--b=4"]);
    expect(error.message).toBe("--a, --b were given more than once");
  });

  it("accepts each flag once, a value with commas, and anything after --", async () => {
    await expect(
      parse(["--prefix", "a,b", "--bucket", "b", "--json", "--", "--prefix", "x"]),
    ).resolves.toEqual({ _: [] });
  });

  it("accepts a flag its settings mark repeatable, and still refuses the others", async () => {
    const options = (argv: string[]) => ({
      program: "nbs-x",
      version: "0",
      argv,
      repeatable: ["db"],
      columns: 80,
      stdout: new PassThrough(),
    });
    await expect(
      parseCommandLine(fakeParser(), options(["--db", "system", "--db", "neo4j"])),
    ).resolves.toEqual({ _: [] });
    const error: unknown = await parseCommandLine(
      fakeParser(),
      options(["--db", "a", "--prefix", "p", "--prefix", "q"]),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "FLAG_REPEATED",
      message: "--prefix was given more than once",
    });
  });

  it("still prints help or the version when asked", async () => {
    const help = { _: [], help: true };
    await expect(parse(["--prefix", "a", "--prefix", "b", "--help"], help)).resolves.toBe(help);
  });
});
