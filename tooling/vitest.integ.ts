import { existsSync, readFileSync, readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { durationsReporter, longestFirstSequencer } from "./vitest-integ-order.ts";
import { INTEG_TEST } from "./vitest.shared.ts";

// Every integration suite of the workspace in one vitest run (`pnpm test:integ`, after a build
// and `pnpm services up`): one project per package that has a `test:integ` script, found here,
// so a new package or suite needs no list to be edited. Suites run side by side, each in its
// own process: they share only the services, each in its own bucket, proxy or Neo4j home
// (createEphemeralNeo4j), and none stops or restarts a shared service (tooling/testenv/README.md).
// The longest suites start first (tooling/vitest-integ-order.ts). NBS_INTEG_WORKERS sets how many
// run at once. The JSON report goes to .vitest-results/integ.json (tooling/test-summary.mjs).
const root = fileURLToPath(new URL("..", import.meta.url));

function integPackages(): Array<{ name: string; dir: string }> {
  const found: Array<{ name: string; dir: string }> = [];
  for (const group of ["packages", "apps", "tooling"]) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      const manifest = join(root, group, entry.name, "package.json");
      if (!entry.isDirectory() || !existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, "utf8")) as {
        name: string;
        scripts?: Record<string, string>;
      };
      if (pkg.scripts?.["test:integ"])
        found.push({ name: pkg.name, dir: join(root, group, entry.name) });
    }
  }
  return found;
}

function workers(): number {
  const set = process.env["NBS_INTEG_WORKERS"];
  if (set !== undefined && /^[1-9]\d*$/.test(set)) return Number(set);
  // Four on two cores: the suites wait on Neo4j starts, stops and network as much as they compute
  // (docs/ci-time.md: a run used 1.67 of 2 cores on average with three).
  return Math.max(4, availableParallelism());
}

export default defineConfig({
  test: {
    root,
    fileParallelism: true,
    maxWorkers: workers(),
    sequence: { sequencer: longestFirstSequencer(root) },
    reporters: ["default", "json", durationsReporter(root)],
    outputFile: { json: join(root, ".vitest-results", "integ.json") },
    projects: integPackages().map(({ name, dir }) => ({
      test: {
        name,
        root: dir,
        ...INTEG_TEST,
        env: { NBS_INTEG_PACKAGE_DIR: dir },
        setupFiles: [join(root, "tooling", "vitest-integ-cwd.ts")],
      },
    })),
  },
});
