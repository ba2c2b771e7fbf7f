// Helpers for run.sh (plain Node, no dependencies):
//   node report.mjs count-reads <strace dir> <file> <tool>   one TSV line: tool, bytes, size, ratio
//   node report.mjs report <out dir>                         Markdown report on stdout + report.json;
//                                                            its last line is one JSON object (also in
//                                                            result.json): medians, CPU-s per GiB, ratios
import { readdirSync, readFileSync, statSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";

/**
 * strace -ff -y writes one file per thread with lines such as
 *   pread64(21</tmp/nbs-bench.x/bench-….dump>, "…"..., 16777216, 0) = 16777216
 * Sum what read-family calls returned on descriptors that resolve to the file.
 */
function countReads(dir, file, tool) {
  const size = statSync(file).size;
  const re = /^(?:read|pread64|readv|preadv|preadv2)\((\d+)<([^>]*)>.*\) = (\d+)$/;
  let bytes = 0;
  let calls = 0;
  for (const name of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, name), "utf8").split("\n")) {
      const m = re.exec(line);
      if (m && m[2] === file) {
        bytes += Number(m[3]);
        calls += 1;
      }
    }
  }
  if (bytes < size) {
    // Every tool must read the whole file; less means the trace missed a read path (io_uring?).
    process.stderr.write(`bench: strace saw only ${bytes} of ${size} bytes read by ${tool}\n`);
  }
  process.stdout.write(`${tool}\t${bytes}\t${size}\t${(bytes / size).toFixed(4)}\t${calls}\n`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "–");
const MIB = 1024 * 1024;
const LABELS = {
  nbs: "nbs-upload",
  aws: "aws s3 cp",
  rclone: "rclone copyto",
  sdk: "lib-storage Upload",
  mc: "mc cp (reference)",
};
const label = (tool) =>
  LABELS[tool] ?? (tool.startsWith("nbs:") ? nbsVariant(tool.split(":").slice(1)) : tool);
const nbsVariant = ([part, conc, algo]) =>
  `nbs-upload ${part} × ${conc}${algo ? `, ${algo} parts` : ""}`;
// nbs first, then its variants, then the peers in a fixed order
const rank = (tool) =>
  tool === "nbs" ? 0 : tool.startsWith("nbs:") ? 1 : 2 + Object.keys(LABELS).indexOf(tool);

function report(out) {
  const rows = readFileSync(join(out, "samples.tsv"), "utf8").trim().split("\n");
  const head = rows.shift().split("\t");
  const samples = rows.map((r) => {
    const cells = r.split("\t");
    const o = Object.fromEntries(head.map((h, i) => [h, cells[i]]));
    for (const k of [
      "run",
      "wall_s",
      "user_s",
      "sys_s",
      "maxrss_kib",
      "minio_cpu_s",
      "size",
      "other_cpu_s",
      "iowait_s",
      "steal_s",
    ]) {
      o[k] = Number(o[k] ?? NaN);
    }
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
  const reads = existsSync(join(out, "reads.tsv"))
    ? readFileSync(join(out, "reads.tsv"), "utf8")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => {
          const [tool, bytes, size, ratio, calls] = l.split("\t");
          return {
            tool,
            bytes: Number(bytes),
            size: Number(size),
            ratio: Number(ratio),
            calls: Number(calls),
          };
        })
    : [];

  const ORDER = [...new Set(samples.map((x) => x.tool))].sort(
    (a, b) => rank(a) - rank(b) || a.localeCompare(b),
  );
  const summary = {};
  for (const phase of ["1x", "5x"]) {
    for (const tool of ORDER) {
      const s = samples.filter((x) => x.phase === phase && x.tool === tool);
      if (s.length === 0) continue;
      const wall = s.map((x) => x.wall_s);
      (summary[phase] ??= {})[tool] = {
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
        iowait: median(s.map((x) => x.iowait_s)),
      };
    }
  }

  const lines = [];
  const p = (s = "") => lines.push(s);
  const one = summary["1x"] ?? {};
  const nbs = one.nbs;
  if (one && Object.keys(one).length) {
    const size = Object.values(one)[0].size;
    p(
      `### ${f(size / MIB / 1024, 2)} GiB file, medians of ${Object.values(one)[0].runs} interleaved runs`,
    );
    p();
    p(
      "| tool | wall s (min–max) | MiB/s | CPU s (user+sys) | peak RSS MiB (max) | MinIO CPU s | iowait s | other CPU s | wall ÷ nbs | CPU ÷ nbs | RSS ÷ nbs |",
    );
    p("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (const tool of ORDER) {
      const r = one[tool];
      if (!r) continue;
      const ratio = (a, b) => (nbs ? f(a / b) : "–");
      p(
        `| ${label(tool)} | ${f(r.wall)} (${f(r.wallMin)}–${f(r.wallMax)}) | ${f(r.size / MIB / r.wall, 0)} | ${f(r.cpu)} | ${f(r.rss, 0)} (${f(r.rssMax, 0)}) | ${f(r.minio)} | ${f(r.iowait)} | ${f(r.other)} | ${ratio(r.wall, nbs?.wall)} | ${ratio(r.cpu, nbs?.cpu)} | ${ratio(r.rss, nbs?.rss)} |`,
      );
    }
    p();
  }
  const five = summary["5x"] ?? {};
  if (Object.keys(five).length) {
    p(
      `### Memory growth: ${f(Object.values(five)[0].size / MIB / 1024, 2)} GiB file (5×), medians of ${Object.values(five)[0].runs} runs`,
    );
    p();
    p("| tool | wall s | peak RSS MiB 1× | peak RSS MiB 5× (max) | growth |");
    p("| --- | --- | --- | --- | --- |");
    for (const tool of ORDER) {
      const r = five[tool];
      if (!r) continue;
      const base = one[tool]?.rss;
      p(
        `| ${label(tool)} | ${f(r.wall)} | ${f(base, 0)} | ${f(r.rss, 0)} (${f(r.rssMax, 0)}) | ${base ? `${f((r.rss / base - 1) * 100, 1)} %` : "–"} |`,
      );
    }
    p();
  }
  if (reads.length) {
    p("### Bytes read from the file (one strace run per tool)");
    p();
    p("| tool | bytes read | ÷ file size | read calls |");
    p("| --- | --- | --- | --- |");
    for (const r of reads) p(`| ${label(r.tool)} | ${r.bytes} | ${f(r.ratio, 4)} | ${r.calls} |`);
    p();
  }

  const checks = [];
  if (nbs && one.mc)
    checks.push([
      `wall ≤ 1.2× mc cp (issue 26)`,
      nbs.wall / one.mc.wall <= 1.2,
      `${f(nbs.wall / one.mc.wall)}× (client CPU ${f(nbs.cpu)} s vs ${f(one.mc.cpu)} s)`,
    ]);
  if (nbs && one.aws)
    checks.push([
      `wall ≤ 1.0× aws s3 cp`,
      nbs.wall / one.aws.wall <= 1.0,
      `${f(nbs.wall / one.aws.wall)}×`,
    ]);
  if (nbs && one.sdk)
    checks.push([
      `≥ 2× faster than lib-storage Upload`,
      one.sdk.wall / nbs.wall >= 2,
      `${f(one.sdk.wall / nbs.wall)}× faster`,
    ]);
  if (nbs)
    checks.push([
      `peak RSS ≤ 150 MiB (largest of the 1× runs)`,
      nbs.rssMax <= 150,
      `${f(nbs.rssMax, 1)} MiB`,
    ]);
  if (nbs && five.nbs) {
    const growth = five.nbs.rss / nbs.rss - 1;
    checks.push([
      `RSS growth ≤ 10 % for a 5× file (medians)`,
      growth <= 0.1,
      `${f(growth * 100, 1)} % (largest 5× run: ${f(five.nbs.rssMax, 1)} MiB)`,
    ]);
  }
  const nr = reads.find((r) => r.tool === "nbs");
  if (nr) checks.push([`file read once`, nr.ratio < 1.01, `${f(nr.ratio, 4)}× the file size`]);
  if (checks.length) {
    p("### Targets (nbs-upload)");
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
    `${JSON.stringify({ env, summary, reads, checks, samples }, null, 2)}\n`,
  );
  const line = resultLine(env, one);
  writeFileSync(join(out, "result.json"), `${JSON.stringify(line)}\n`);
  // The last line on stdout is the machine-readable one (regression guard): `tail -n 1`.
  process.stdout.write(`${lines.join("\n")}\n${JSON.stringify(line)}\n`);
}

/** Medians per tool (CPU-s per GiB too) and the target ratios of one interleaved run, as one object. */
function resultLine(env, one) {
  const r3 = (x) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);
  const ratio = (a, b) => (a && b ? r3(a / b) : null);
  const medians = {};
  for (const [tool, r] of Object.entries(one)) {
    medians[tool] = {
      runs: r.runs,
      wall_s: r3(r.wall),
      cpu_s: r3(r.cpu),
      cpu_s_per_gib: r3(r.cpu / (r.size / (1024 * MIB))),
      rss_mib: r3(r.rss),
      rss_max_mib: r3(r.rssMax),
      minio_cpu_s: r3(r.minio),
    };
  }
  const { nbs, mc, aws, sdk } = one;
  return {
    bench: "upload",
    sse: env.sse ?? null,
    size_bytes: Object.values(one)[0]?.size ?? null,
    git: env.git ?? null,
    medians,
    nbs_vs_mc_wall: ratio(nbs?.wall, mc?.wall),
    nbs_vs_mc_cpu: ratio(nbs?.cpu, mc?.cpu),
    nbs_vs_aws_wall: ratio(nbs?.wall, aws?.wall),
    sdk_vs_nbs_wall: ratio(sdk?.wall, nbs?.wall),
    targets: {
      nbs_vs_mc_wall: 1.2,
      nbs_vs_aws_wall: 1.0,
      sdk_vs_nbs_wall: 2.0,
      nbs_rss_max_mib: 150,
    },
    load: { before: env.load_before ?? null, after: env.load_after ?? null },
  };
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === "count-reads") countReads(args[0], args[1], args[2]);
else if (cmd === "report") report(args[0]);
else {
  process.stderr.write("usage: report.mjs count-reads <dir> <file> <tool> | report <out dir>\n");
  process.exit(2);
}
