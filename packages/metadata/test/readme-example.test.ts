import { describeReadmeExample } from "@nbs/testenv";
import { expect } from "vitest";

// README.md shows examples/usage.mjs verbatim; this runs it against the built package.
describeReadmeExample(new URL("..", import.meta.url), (lines) => {
  expect(lines).toEqual([
    "prod/neo4j/neo4j-20261124T101500Z.dump",
    "prod/neo4j/neo4j-20261124T101500Z.dump.meta.json",
    "neo4j",
    "true",
    `false [ '/sha256 must match pattern "^[0-9a-f]{64}$"' ]`,
    "",
  ]);
});
