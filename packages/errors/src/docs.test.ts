import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "./index.js";

// docs/errors.md lists every code as a table row: | `CODE` | CATEGORY (EXIT) | meaning | fix |
const doc = readFileSync(new URL("../../../docs/errors.md", import.meta.url), "utf8");
const rows = [...doc.matchAll(/^\| `([A-Z0-9_]+)` +\| ([A-Z0-9]+) \((\d+)\) +\|(.*)\|(.*)\|$/gm)];
const EXIT = {
  USAGE: 2,
  INPUT: 3,
  STORAGE: 4,
  INTEGRITY: 5,
  NEO4J: 6,
  HEALTH: 7,
  ABORTED: 130,
  BUG: 1,
};

describe("docs/errors.md", () => {
  it("documents every code in ERROR_CODES, and no code that is not there", () => {
    const documented = rows.map((r) => r[1]);
    expect(new Set(documented).size, "a code documented twice").toBe(documented.length);
    expect([...documented].sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it("gives each code its category and that category's exit code, a meaning and a fix", () => {
    for (const [, code, category, exit, meaning, fix] of rows) {
      expect(category, code).toBe(ERROR_CODES[code as keyof typeof ERROR_CODES]);
      expect(Number(exit), code).toBe(EXIT[category as keyof typeof EXIT]);
      expect(meaning!.trim(), `${code} meaning`).not.toBe("");
      expect(fix!.trim(), `${code} fix`).not.toBe("");
    }
  });
});
