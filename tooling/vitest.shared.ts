import { defineConfig } from "vitest/config";

// Two tiers by file suffix (docs/architecture.md §9): `*.test.ts` are fast unit tests with mocks,
// `*.integ.test.ts` run against the real local MinIO and Neo4j started by tooling/services.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          // A bound against hangs, not a speed check: a loaded 2-core machine runs the hashing
          // tests several times slower than a quiet one, and vitest's 5 s default flakes there.
          testTimeout: 30_000,
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ["**/*.integ.test.ts", "**/node_modules/**", "**/dist/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "integ",
          include: ["src/**/*.integ.test.ts", "test/**/*.integ.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
