import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// README.md shows examples/usage.mjs verbatim; this runs it against the built package.
const example = fileURLToPath(new URL("../examples/usage.mjs", import.meta.url));
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README example", () => {
  it("is examples/usage.mjs, verbatim", () => {
    expect(readme).toContain(
      "```js\n// examples/usage.mjs\n" + readFileSync(example, "utf8") + "```",
    );
  });

  it("runs and prints what the README says", { timeout: 60_000 }, () => {
    const out = execFileSync(process.execPath, [example], { encoding: "utf8" });
    expect(out.split("\n")).toEqual([
      "11 b252ba3991dd05219b5ee5aff4ab24c503b252d0dfa663d9bffe08a4667e4574",
      "slK6OZHdBSGbXuWv9KskxQOyUtDfpmPZv/4IpGZ+RXQ=",
      "true",
      "",
    ]);
  });
});
