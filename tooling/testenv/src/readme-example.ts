import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * A package README shows `examples/usage.mjs` verbatim; run it against the built package and
 * hand its output lines to `check`. `packageRoot` is the package folder as a URL
 * (`new URL("..", import.meta.url)` from a test in `<package>/test/`).
 */
export function describeReadmeExample(packageRoot: URL, check: (lines: string[]) => void): void {
  const example = fileURLToPath(new URL("examples/usage.mjs", packageRoot));
  const readme = readFileSync(new URL("README.md", packageRoot), "utf8");

  describe("README example", () => {
    it("is examples/usage.mjs, verbatim", () => {
      expect(readme).toContain(
        "```js\n// examples/usage.mjs\n" + readFileSync(example, "utf8") + "```",
      );
    });

    it("runs and prints what the README says", { timeout: 60_000 }, () => {
      check(execFileSync(process.execPath, [example], { encoding: "utf8" }).split("\n"));
    });
  });
}
