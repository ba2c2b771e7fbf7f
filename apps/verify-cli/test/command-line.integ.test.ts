import { EXIT_CODES_HELP } from "@nbs/cli-kit";
import { describe, expect, it } from "vitest";
import { script, verify } from "@nbs/testenv/run-cli";

// Through the built entry and the shell entry point (no services needed; in the integ tier
// because they need dist/).
describe("nbs-verify command line", () => {
  it("refuses a flag given twice with exit 2, before any work", async () => {
    const run = await verify(
      ["--latest", "--bucket", "b", "--prefix", "a", "--prefix", "b", "--json"],
      {},
    );
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      "nbs-verify: --prefix was given more than once\n" +
        "  hint: give each flag once (nbs options take one value); see nbs-verify --help\n",
    );
  });

  it.each([
    ["nbs-verify", () => verify(["--help"], {})],
    ["scripts/neo4j/verify_restore.sh", () => script("verify_restore.sh", ["--help"], {})],
  ])("%s --help ends with the exit codes", async (_name, run) => {
    const { code, stdout } = await run();
    expect(code).toBe(0);
    expect(stdout.endsWith(`\n\n${EXIT_CODES_HELP}\n`)).toBe(true);
  });
});
