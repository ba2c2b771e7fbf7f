import { describeReadmeExample } from "@nbs/testenv";
import { expect } from "vitest";

// README.md shows examples/usage.mjs verbatim; this runs it against the built package.
describeReadmeExample(new URL("..", import.meta.url), (lines) => {
  expect(lines).toEqual([
    "FILE_NOT_FOUND INPUT INPUT",
    "cannot read /var/backups/neo4j/missing.dump: no such file",
    "hint: pass an existing dump with --file",
    "",
  ]);
});
