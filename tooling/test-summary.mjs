// Sums the vitest JSON reports (every package's .vitest-results/*.json, and the repository
// root's, where `pnpm test:integ` writes the integration run) into one closing line, "N passed,
// N failed", so CI shows at a glance how many tests ran; then the slowest suites (files) of
// each kind, and for a run whose files ran side by side, its wall time against their sum.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

const SLOWEST = 5;
const root = new URL("..", import.meta.url).pathname;
const totals = { passed: 0, failed: 0, skipped: 0, files: 0 };
/** kind ("unit", "integ") -> { files: [{ name, ms }], start, end } */
const kinds = new Map();

const dirs = [join(root, ".vitest-results")];
for (const group of ["packages", "apps", "tooling"]) {
  for (const name of readdirSync(join(root, group)))
    dirs.push(join(root, group, name, ".vitest-results"));
}
for (const dir of dirs) {
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    const report = JSON.parse(readFileSync(join(dir, file), "utf8"));
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests;
    totals.skipped += report.numPendingTests + (report.numTodoTests ?? 0);
    totals.files += 1;
    const kind = file.replace(/\.json$/, "");
    const entry = kinds.get(kind) ?? { files: [], start: Infinity, end: 0, runs: 0 };
    kinds.set(kind, entry);
    entry.runs += 1;
    for (const suite of report.testResults ?? []) {
      entry.files.push({ name: relative(root, suite.name), ms: suite.endTime - suite.startTime });
      entry.start = Math.min(entry.start, suite.startTime);
      entry.end = Math.max(entry.end, suite.endTime);
    }
  }
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
console.log(`nbs tests: ${totals.files} reports`);
for (const [kind, { files, start, end, runs }] of [...kinds].sort()) {
  if (files.length === 0) continue;
  const sum = files.reduce((total, f) => total + f.ms, 0);
  const span = runs === 1 ? `, ${seconds(end - start)} wall` : "";
  console.log(`${kind}: ${files.length} files, ${seconds(sum)} summed${span}; slowest:`);
  for (const f of files.sort((a, b) => b.ms - a.ms).slice(0, SLOWEST)) {
    console.log(`  ${seconds(f.ms).padStart(8)}  ${f.name}`);
  }
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
