import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, relative } from "node:path";
import type { Reporter, TestModule } from "vitest/node";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// The order of the integration run (tooling/vitest.integ.ts): longest suite first, across all
// packages, so the run ends when its longest suite does and not later. A suite's length is its
// duration in the last run on this machine, kept in the cache outside the repository
// ($NBS_CACHE_DIR/integ-durations.json, a hint only: nothing is skipped or replayed); a suite
// that has not run here yet goes by its size, and before all the known ones.

const durationsFile = join(
  process.env["NBS_CACHE_DIR"] ?? join(homedir(), ".cache", "nbs"),
  "integ-durations.json",
);

function readDurations(): Record<string, number> {
  try {
    return JSON.parse(readFileSync(durationsFile, "utf8")) as Record<string, number>;
  } catch {
    return {};
  }
}

export function longestFirstSequencer(root: string) {
  return class LongestFirst extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
      const known = readDurations();
      const weight = (spec: TestSpecification): [number, number] => {
        const ms = known[relative(root, spec.moduleId)];
        return ms === undefined ? [1, statSync(spec.moduleId).size] : [0, ms];
      };
      const weights = new Map(files.map((spec) => [spec, weight(spec)]));
      return [...files].sort((a, b) => {
        const [wa, wb] = [weights.get(a)!, weights.get(b)!];
        return wb[0] - wa[0] || wb[1] - wa[1];
      });
    }
  };
}

/** Records each suite's duration for the next run's order (merged: a partial run keeps the rest). */
export function durationsReporter(root: string): Reporter {
  return {
    onTestRunEnd(modules: ReadonlyArray<TestModule>) {
      const durations = readDurations();
      for (const module of modules) {
        const ms = module.diagnostic().duration;
        if (ms > 0) durations[relative(root, module.moduleId)] = Math.round(ms);
      }
      mkdirSync(dirname(durationsFile), { recursive: true });
      const tmp = `${durationsFile}.${process.pid}`;
      writeFileSync(tmp, `${JSON.stringify(durations, null, 2)}\n`);
      renameSync(tmp, durationsFile);
    },
  };
}
