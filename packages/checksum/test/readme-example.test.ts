import { describeReadmeExample } from "@nbs/testenv";
import { expect } from "vitest";

// README.md shows examples/usage.mjs verbatim; this runs it against the built package.
describeReadmeExample(new URL("..", import.meta.url), (lines) => {
  expect(lines).toEqual([
    "11 b252ba3991dd05219b5ee5aff4ab24c503b252d0dfa663d9bffe08a4667e4574",
    "slK6OZHdBSGbXuWv9KskxQOyUtDfpmPZv/4IpGZ+RXQ=",
    "true",
    "",
  ]);
});
