import { describeReadmeExample } from "@nbs/testenv";
import { expect } from "vitest";

// README.md shows examples/usage.mjs verbatim; this runs it against the built package.
describeReadmeExample(new URL("..", import.meta.url), (lines) => {
  expect(lines[0]).toBe("true verified sidecar:skip sha256.expected:pass");
  expect(lines[1]).toBe("false failed REFERENCE_CHECKSUM_MISMATCH INTEGRITY");
  expect(lines[2]).toMatch(
    /^> \*\*REFERENCE_CHECKSUM_MISMATCH\*\* \(INTEGRITY\): \S+ does not match/,
  );
});
