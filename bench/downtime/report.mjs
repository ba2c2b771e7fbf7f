// Medians and ratios of bench/downtime/run.sh's samples.tsv: writes report.json and prints one
// machine-readable line (JSON) with the medians per mode and the two target ratios.
//   node report.mjs DIR
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
const [header, ...rows] = readFileSync(join(dir, "samples.tsv"), "utf8").trim().split("\n");
const names = header.split("\t");
const samples = rows.map((row) =>
  Object.fromEntries(row.split("\t").map((v, i) => [names[i], v === "" ? null : Number(v) || v])),
);
const median = (values) => {
  const v = values.filter((x) => typeof x === "number").sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const modes = {};
for (const mode of [...new Set(samples.map((s) => s.mode))]) {
  const of = samples.filter((s) => s.mode === mode);
  modes[mode] = {
    runs: of.length,
    total_ms: median(of.map((s) => s.total_ms)),
    until_back_ms: median(of.map((s) => s.until_back_ms)),
    downtime_ms: median(of.map((s) => s.probe_downtime_ms)),
    nbs_downtime_ms: median(of.map((s) => s.nbs_downtime_ms)),
  };
}
const ratio = (a, b) =>
  a == null || b == null || b === 0 ? null : Math.round((a / b) * 1000) / 1000;
const env = Object.fromEntries(
  readFileSync(join(dir, "env.txt"), "utf8")
    .trim()
    .split("\n")
    .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
);
const report = {
  bench: "downtime",
  store_bytes: Number(env.store_bytes),
  filesystem: env.filesystem,
  server: env.server ?? "cold",
  modes,
  snapshot_vs_dump_downtime: ratio(modes.snapshot?.downtime_ms, modes.dump?.downtime_ms),
  dump_vs_plain_total: ratio(modes.dump?.total_ms, modes.plain?.total_ms),
  dump_vs_plain_until_back: ratio(modes.dump?.until_back_ms, modes.plain?.until_back_ms),
  snapshot_vs_plain_total: ratio(modes.snapshot?.total_ms, modes.plain?.total_ms),
  targets: { snapshot_vs_dump_downtime: 0.4, dump_vs_plain_total: 1.1 },
  load: { before: env.load_before, after: env.load_after },
};
writeFileSync(join(dir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report));

// The breakdown per mode (medians, ms): nbs's `dump.step` events (--verbose), `locate_ms` of
// `dump.neo4j`, and the plain pipeline's step times; printed as a second JSON line.
const breakdown = {};
for (const mode of Object.keys(modes)) {
  const perRun = [];
  for (const s of samples.filter((x) => x.mode === mode)) {
    const steps = {};
    if (mode === "plain") {
      let prev;
      const file = join(dir, `steps-plain-${s.run}.txt`);
      for (const line of (existsSync(file) ? readFileSync(file, "utf8") : "").trim().split("\n")) {
        const [name, at] = line.split(" ");
        if (prev !== undefined && name) steps[name] = Number(at) - prev;
        prev = Number(at);
      }
    } else {
      const file = join(dir, `log-${mode}-${s.run}.jsonl`);
      for (const line of (existsSync(file) ? readFileSync(file, "utf8") : "").split("\n")) {
        if (!line.startsWith("{")) continue;
        const e = JSON.parse(line);
        if (e.event === "dump.step") steps[e.step] = (steps[e.step] ?? 0) + e.duration_ms;
        if (e.event === "dump.neo4j" && e.locate_ms !== undefined) steps.version = e.locate_ms;
        if (e.event === "dump.step" && e.method !== undefined) steps.copy_method = e.method;
      }
    }
    perRun.push(steps);
  }
  const names = [...new Set(perRun.flatMap((r) => Object.keys(r)))];
  breakdown[mode] = Object.fromEntries(
    names.map((n) => {
      const values = perRun.map((r) => r[n]);
      return [n, typeof values[0] === "string" ? values[0] : median(values)];
    }),
  );
}
writeFileSync(join(dir, "breakdown.json"), `${JSON.stringify(breakdown, null, 2)}\n`);
console.log(JSON.stringify({ breakdown }));
