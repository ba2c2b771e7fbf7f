import { defineConfig } from "vitest/config";

// Two tiers by file suffix (docs/architecture.md §9): `*.test.ts` are fast unit tests with mocks,
// `*.integ.test.ts` run against the real local MinIO and Neo4j started by tooling/services.

/** What makes a file an integration suite, and its limits; tooling/vitest.integ.ts reuses it. */
export const INTEG_TEST = {
  include: ["src/**/*.integ.test.ts", "test/**/*.integ.test.ts"],
  testTimeout: 600_000,
  hookTimeout: 600_000,
};

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ["**/*.integ.test.ts", "**/node_modules/**", "**/dist/**"],
          // A bound for a hang, not a speed requirement: `dev.sh test` runs the unit tests of
          // every package at once, beside the build, on a machine that may be small and busy.
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        // One package's suites one after the other (`pnpm --filter <pkg> test:integ`); CI runs
        // every package's suites side by side instead (tooling/vitest.integ.ts).
        test: { name: "integ", ...INTEG_TEST, fileParallelism: false },
      },
    ],
  },
});
