import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (path: string) => readFileSync(new URL(path, import.meta.url), "utf8");

describe("README", () => {
  it("shows examples/backup-file.mjs as it is (the file the example integration test runs)", () => {
    const readme = read("../README.md");
    const block = /<!-- examples\/backup-file\.mjs -->\n+```js\n([\s\S]*?)```/.exec(readme);
    expect(block?.[1]).toBe(read("../examples/backup-file.mjs"));
  });
});
