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
    const lines = out.split("\n");
    expect(lines[0]).toBe("true verified sidecar:skip sha256.expected:pass");
    expect(lines[1]).toBe("false failed REFERENCE_CHECKSUM_MISMATCH INTEGRITY");
    expect(lines[2]).toMatch(
      /^> \*\*REFERENCE_CHECKSUM_MISMATCH\*\* \(INTEGRITY\): \S+ does not match/,
    );
  });
});
