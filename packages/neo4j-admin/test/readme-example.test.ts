import { describeReadmeExample } from "@nbs/testenv";
import { expect } from "vitest";

// README.md shows examples/usage.mjs verbatim; this runs it against the built package.
describeReadmeExample(new URL("..", import.meta.url), (lines) => {
  expect(lines).toEqual([
    "5.26.30 5 community",
    "{ kind: 'neo4j-5-dump', compression: 'zstd', magic: 'DZV1' }",
    "NEO4J_HOME_INVALID USAGE",
    "",
  ]);
});
