import { describe, expect, it } from "vitest";
import { verify } from "./run-cli.js";

// Through the built entry (no services needed; in the integ tier because it needs dist/).
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
});
