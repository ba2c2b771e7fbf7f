import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

// Through the built entry (no services needed; in the integ tier because it needs dist/).
describe("nbs-upload command line", () => {
  it.each([
    [
      ["--file", "/nonexistent.dump", "--bucket", "b", "--prefix", "a", "--prefix", "b"],
      "--prefix",
    ],
    [["dump", "--out-dir", "/nonexistent", "--dry-run", "--dry-run"], "--dry-run"],
  ])("refuses a flag given twice with exit 2, before any work: %j", async (args, flag) => {
    const run = await runCli(args, {});
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `nbs-upload: ${flag} was given more than once\n` +
        "  hint: give each flag once (nbs options take one value); see nbs-upload --help\n",
    );
  });
});
