import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { groupKey, isMetricName, type MetricSample } from "./metrics.js";
import { renderMetrics } from "./metrics-text.js";

/**
 * Write the samples in the Prometheus text format for node_exporter's textfile collector,
 * atomically: a temp file in the same directory (not ending in .prom, so the collector never
 * reads it half-written), then a rename over PATH.
 *
 * The series of the previous file survive unless this run reports the same metric for the same
 * `db` and `prefix`: a failed attempt reports no `*_last_success_timestamp_seconds`, so the one
 * of the last success stays, and several databases (or nbs-upload and nbs-verify) can share a file.
 */
export async function writeMetricsFile(
  path: string,
  samples: readonly MetricSample[],
): Promise<void> {
  const reported = new Set(samples.map((s) => `${groupKey(s.labels)} ${s.name}`));
  const kept = (await readPrevious(path)).filter(
    (s) => !reported.has(`${groupKey(s.labels)} ${s.name}`),
  );
  const text = await renderMetrics([...kept, ...samples]);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(temp, text, { mode: 0o644 });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function readPrevious(path: string): Promise<MetricSample[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return parseMetricsText(text);
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;

/** The nbs series of a text-format file (what renderMetrics wrote); other lines are ignored. */
export function parseMetricsText(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split("\n")) {
    const m = LINE.exec(line.trim());
    const name = m?.[1];
    if (!m || name === undefined || !isMetricName(name)) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(LABEL)) labels[l[1]!] = unescape(l[2]!);
    const value = Number(m[3]);
    const { db, prefix } = labels;
    if (db === undefined || prefix === undefined || Number.isNaN(value)) continue;
    samples.push({ name, labels: { ...labels, db, prefix }, value });
  }
  return samples;
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
}
