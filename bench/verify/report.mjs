// The report of run.sh (plain Node, no dependencies):
//   node report.mjs <out dir>   Markdown report on stdout, report.json in <out dir>; the last line
//                               on stdout is one JSON object (also result.json): medians, CPU-s
//                               per GiB, the ratios to mc cat | openssl
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "–");
const MIB = 1024 * 1024;
const LABELS = {
  nbs: "nbs-verify --mode checksum",
  aws: "aws s3 cp - \\| sha256sum",
  mc: "mc cat \\| openssl dgst -sha256",
};
const label = (tool) => LABELS[tool] ?? `nbs-verify (${tool.slice(4)})`;
const rank = (tool) => (tool === "nbs" ? 0 : tool.startsWith("nbs:") ? 1 : 2);

const out = process.argv[2];
if (!out) {
  process.stderr.write("usage: report.mjs <out dir>\n");
  process.exit(2);
}
const rows = readFileSync(join(out, "samples.tsv"), "utf8").trim().split("\n");
const head = rows.shift().split("\t");
const samples = rows.map((r) => {
  const cells = r.split("\t");
  const o = Object.fromEntries(head.map((h, i) => [h, cells[i]]));
  for (const k of head) if (k !== "tool") o[k] = Number(o[k]);
  return o;
});
const env = existsSync(join(out, "env.txt"))
  ? Object.fromEntries(
      readFileSync(join(out, "env.txt"), "utf8")
        .trim()
        .split("\n")
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    )
  : {};

const tools = [...new Set(samples.map((x) => x.tool))].sort(
  (a, b) => rank(a) - rank(b) || a.localeCompare(b),
);
const summary = {};
for (const tool of tools) {
  const s = samples.filter((x) => x.tool === tool);
  const wall = s.map((x) => x.wall_s);
  summary[tool] = {
    runs: s.length,
    size: s[0].size,
    wall: median(wall),
    wallMin: Math.min(...wall),
    wallMax: Math.max(...wall),
    cpu: median(s.map((x) => x.user_s + x.sys_s)),
    rss: median(s.map((x) => x.maxrss_kib / 1024)),
    rssMax: Math.max(...s.map((x) => x.maxrss_kib / 1024)),
    minio: median(s.map((x) => x.minio_cpu_s)),
    other: median(s.map((x) => x.other_cpu_s)),
  };
}

const lines = [];
const p = (s = "") => lines.push(s);
const first = summary[tools[0]];
const ref = summary.mc;
p(
  `### ${f(first.size / MIB / 1024, 2)} GiB object, medians of ${first.runs} interleaved runs (ratios to mc cat + openssl)`,
);
p();
p(
  "| tool | wall s (min–max) | MiB/s | CPU s (user+sys) | peak RSS MiB (max) | MinIO CPU s | other CPU s | wall ÷ mc | CPU ÷ mc |",
);
p("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const tool of tools) {
  const r = summary[tool];
  const ratio = (a, b) => (ref ? f(a / b) : "–");
  p(
    `| ${label(tool)} | ${f(r.wall)} (${f(r.wallMin)}–${f(r.wallMax)}) | ${f(r.size / MIB / r.wall, 0)} | ${f(r.cpu)} | ${f(r.rss, 0)} (${f(r.rssMax, 0)}) | ${f(r.minio)} | ${f(r.other)} | ${ratio(r.wall, ref?.wall)} | ${ratio(r.cpu, ref?.cpu)} |`,
  );
}
p();
p(
  "Peak RSS of a pipeline is its largest process (GNU time over `bash -c`); its CPU is the sum of the pipeline.",
);
p();

const nbs = summary.nbs;
const checks = [];
if (nbs && ref)
  checks.push([
    "wall ≤ 1.25× `mc cat \\| openssl dgst -sha256`",
    nbs.wall / ref.wall <= 1.25,
    `${f(nbs.wall / ref.wall)}× (${f(nbs.wall)} s / ${f(ref.wall)} s)`,
  ]);
if (nbs && summary.aws)
  checks.push([
    "wall ≤ 1.0× `aws s3 cp - \\| sha256sum`",
    nbs.wall / summary.aws.wall <= 1.0,
    `${f(nbs.wall / summary.aws.wall)}×`,
  ]);
if (nbs)
  checks.push(["peak RSS ≤ 150 MiB (largest run)", nbs.rssMax <= 150, `${f(nbs.rssMax, 1)} MiB`]);
if (checks.length) {
  p("### Targets (nbs-verify --mode checksum)");
  p();
  p("| target | met | measured |");
  p("| --- | --- | --- |");
  for (const [what, ok, got] of checks) p(`| ${what} | ${ok ? "yes" : "**no**"} | ${got} |`);
  p();
}
if (Object.keys(env).length) {
  p("### Environment");
  p();
  for (const [k, v] of Object.entries(env)) p(`- ${k}: \`${v}\``);
  p();
}
writeFileSync(
  join(out, "report.json"),
  `${JSON.stringify({ env, summary, checks, samples }, null, 2)}\n`,
);
// The last line on stdout is the machine-readable one (regression guard): `tail -n 1`.
const r3 = (x) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);
const medians = {};
for (const tool of tools) {
  const r = summary[tool];
  medians[tool] = {
    runs: r.runs,
    wall_s: r3(r.wall),
    cpu_s: r3(r.cpu),
    cpu_s_per_gib: r3(r.cpu / (r.size / (1024 * MIB))),
    rss_max_mib: r3(r.rssMax),
    minio_cpu_s: r3(r.minio),
  };
}
const ratio = (a, b) => (a && b ? r3(a / b) : null);
const line = {
  bench: "verify",
  size_bytes: first.size,
  git: env.git ?? null,
  medians,
  nbs_vs_mc_wall: ratio(nbs?.wall, ref?.wall),
  nbs_vs_mc_cpu: ratio(nbs?.cpu, ref?.cpu),
  nbs_vs_aws_wall: ratio(nbs?.wall, summary.aws?.wall),
  targets: { nbs_vs_mc_wall: 1.25, nbs_rss_max_mib: 150 },
  load: { before: env.loadavg_start ?? null, after: env.loadavg_end ?? null },
};
writeFileSync(join(out, "result.json"), `${JSON.stringify(line)}\n`);
process.stdout.write(`${lines.join("\n")}\n${JSON.stringify(line)}\n`);
