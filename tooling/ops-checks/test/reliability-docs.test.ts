import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// docs/reliability.md cites the tests (and scripts) that prove each row: every cited file exists.
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DOC = readFileSync(join(ROOT, "docs/reliability.md"), "utf8");
const CITED =
  /\b(?:apps|packages|tooling|bench|scripts|config|docs|\.github)\/[\w.@/-]+\.(?:ts|mts|js|mjs|sh|md|ya?ml|json)\b/g;

describe("docs/reliability.md citations", () => {
  const cited = [...new Set(DOC.match(CITED) ?? [])];

  it("cites files", () => {
    expect(cited.length).toBeGreaterThan(10);
  });

  it("cites only files that exist", () => {
    expect(cited.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });
});
