// Reads a bench/restore/run.sh results directory, writes report.md and report.json and prints the
// table and one machine-readable line: per phase, nbs's median time over the plain commands'.
//   node report.mjs <dir>
//
// Phases, the same for every mode: download (the dump from S3 to local disk), stop (the user's
// server; the restore only), load (`neo4j-admin database load`), start (`neo4j start` until the
// database answers a query), counts_schema (node and relationship counts, SHOW INDEXES /
// CONSTRAINTS; nbs also counts per label and type and compares with the sidecar). nbs's work
// the plain commands do not do is listed apart: resolve (sidecar and HEAD), prepare (the
// ephemeral Neo4j's home), proof (the restore's load + start + counts in an ephemeral Neo4j
// before it touches the user's server), other (the rest of nbs's total: the loaded store's last
// transaction, index waits, cleanup, the report).
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
if (!dir) throw new Error("usage: node report.mjs <results dir>");
const read = (f) => JSON.parse(readFileSync(join(dir, f), "utf8"));
const runsOf = (mode) =>
  readdirSync(dir)
    .filter((f) => new RegExp(`^${mode}-\\d+\\.json$`).test(f))
    .sort();
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** The time (ms since the epoch) of each event in a JSON log, first occurrence. */
const eventTimes = (file) => {
  const times = {};
  for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
    if (!line.startsWith("{")) continue;
    const e = JSON.parse(line);
    if (e.event && e.ts && times[e.event] === undefined) times[e.event] = Date.parse(e.ts);
  }
  return times;
};
const sum = (xs) => xs.reduce((a, b) => a + (b ?? 0), 0);

const plain = runsOf("plain").map((f) => {
  const j = read(f);
  const p = {
    download: j.download_ms,
    stop: j.stop_ms,
    load: j.load_ms,
    start: j.start_cmd_ms + j.query.wait_ms,
    counts_schema: j.query.counts_ms + j.query.schema_ms,
  };
  return { ...p, total: sum(Object.values(p)) };
});

const restore = runsOf("restore").map((f) => {
  const d = read(f).durations_ms;
  const t = eventTimes(f.replace(/\.json$/, ".jsonl"));
  // neo4j_restore is one step in the report: `neo4j status`, stop, load, start until the
  // database answers. The events split it; it begins right after `restore.proven`.
  const begin = t["restore.proven"];
  const end = begin + d.neo4j_restore;
  const p = {
    resolve: d.resolve,
    download: d.download,
    // proof_neo4j_prepare, proof_neo4j_load, proof_neo4j_start, proof_counts
    proof: sum(
      Object.entries(d)
        .filter(([k]) => k.startsWith("proof_"))
        .map(([, v]) => v),
    ),
    stop: t["restore.neo4j.load"] - begin,
    load: t["restore.neo4j.start"] - t["restore.neo4j.load"],
    start: end - t["restore.neo4j.start"],
    counts_schema: d.served_checks,
    total: d.total,
  };
  return {
    ...p,
    other:
      p.total -
      sum(
        Object.entries(p)
          .filter(([k]) => k !== "total")
          .map(([, v]) => v),
      ),
  };
});

const load = runsOf("load").map((f) => {
  const d = read(f).durations_ms;
  const p = {
    resolve: d.resolve,
    download: d.download,
    prepare: d.neo4j_prepare,
    load: d.neo4j_load,
    start: d.neo4j_start,
    counts_schema: d.counts,
    total: d.total,
  };
  return {
    ...p,
    other:
      p.total -
      sum(
        Object.entries(p)
          .filter(([k]) => k !== "total")
          .map(([, v]) => v),
      ),
  };
});

const PHASES = ["download", "stop", "load", "start", "counts_schema"];
const EXTRA = ["resolve", "prepare", "proof", "other"];
const medians = (runs) => {
  const keys = new Set(runs.flatMap((r) => Object.keys(r)));
  return Object.fromEntries([...keys].map((k) => [k, median(runs.map((r) => r[k]))]));
};
const modes = { plain: medians(plain), restore: medians(restore), load: medians(load) };
const r3 = (x) => Math.round(x * 1000) / 1000;
const ratios = (mode) =>
  Object.fromEntries(
    PHASES.filter((p) => modes[mode][p] !== undefined && modes.plain[p]).map((p) => [
      p,
      r3(modes[mode][p] / modes.plain[p]),
    ]),
  );
const env = Object.fromEntries(
  readFileSync(join(dir, "env.txt"), "utf8")
    .trim()
    .split("\n")
    .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
);
const TARGET = 1.1;
const report = {
  bench: "restore",
  graph: env.graph,
  dump_bytes: Number(env.dump_bytes),
  runs: { plain: plain.length, restore: restore.length, load: load.length },
  medians_ms: modes,
  restore_vs_plain: ratios("restore"),
  load_vs_plain: ratios("load"),
  target: TARGET,
  over_target: {
    restore: Object.entries(ratios("restore"))
      .filter(([, v]) => v > TARGET)
      .map(([k]) => k),
    load: Object.entries(ratios("load"))
      .filter(([, v]) => v > TARGET)
      .map(([k]) => k),
  },
  load_avg: { before: env.load_before, after: env.load_after },
};

const s = (ms) => (ms === undefined ? "–" : (ms / 1000).toFixed(2));
const row = (name, key) =>
  `| ${name} | ${s(modes.plain[key])} | ${s(modes.restore[key])} | ${report.restore_vs_plain[key] ?? "–"} | ${s(modes.load[key])} | ${report.load_vs_plain[key] ?? "–"} |`;
const md = [
  `### ${env.graph}; dump ${(report.dump_bytes / 2 ** 20).toFixed(0)} MiB; medians in s (runs: plain ${plain.length}, restore ${restore.length}, load ${load.length})`,
  "",
  "| phase | plain commands | `nbs-verify restore` | ratio | `nbs-verify --mode load` | ratio |",
  "| --- | --- | --- | --- | --- | --- |",
  ...PHASES.map((p) => row(p, p)),
  ...EXTRA.map((p) => row(`${p} (nbs only)`, p)),
  row("**total**", "total"),
  "",
  `Target: each phase ≤ ${TARGET}× the plain commands. Load average before ${env.load_before}, after ${env.load_after}.`,
  "",
].join("\n");
writeFileSync(join(dir, "report.md"), md);
writeFileSync(join(dir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
console.log(md);
console.log(JSON.stringify(report));
