import { short, type Check } from "./checks.js";
import type { ContentProofMethod } from "./content-proof.js";
import type { VerifyReport } from "./report.js";

const ICON: Record<Check["status"], string> = { pass: "✅", fail: "❌", skip: "➖" };
const VERDICT: Record<VerifyReport["outcome"], string> = {
  verified: "✅ verified",
  unverified: "⚠️ unverified",
  failed: "❌ failed",
  "dry-run": "📝 dry run",
};

const PROOF: Record<ContentProofMethod, string> = {
  "exact-counts+transaction-id": "exact counts and transaction id",
  "exact-counts": "exact counts",
  "transaction-id": "transaction id",
  none: "none",
};

/**
 * A Markdown summary fit for `$GITHUB_STEP_SUMMARY`: verdict, the failure's specific code and
 * category (docs/errors.md) with its hint, source, hashes and sizes, a table of checks with ✅/❌,
 * counts and durations. Cells are escaped; nothing secret is in a report.
 */
export function renderSummaryMarkdown(report: VerifyReport): string {
  const verdict = VERDICT[report.outcome];
  const lines = [`### nbs-verify: ${verdict} — \`${code(report.source.location)}\``, ""];
  if (report.failure)
    lines.push(
      `> **${report.failure.code}** (${report.failure.category}): ${cell(report.failure.message)}${report.failure.hint ? `  \n> hint: ${cell(report.failure.hint)}` : ""}`,
      "",
    );

  lines.push("| | |", "| --- | --- |");
  lines.push(`| mode | \`${report.mode}\` |`);
  if (report.backup)
    lines.push(
      `| backup | db \`${code(report.backup.db_name)}\`, taken ${report.backup.created_at} by ${cell(report.backup.created_by)}${report.backup.neo4j_version ? `, Neo4j ${report.backup.neo4j_version}` : ""} |`,
    );
  lines.push(`| sidecar | ${report.sidecar} |`);
  for (const broken of report.skipped ?? [])
    lines.push(`| ❌ newer backup broken | \`${code(broken.key)}\`: ${cell(broken.reason)} |`);
  if (report.uncommitted && report.uncommitted.length > 0)
    lines.push(
      `| newer, uncommitted (ignored) | ${report.uncommitted.map((k) => `\`${code(k)}\``).join("<br>")} |`,
    );
  lines.push(
    `| sha256 | expected \`${report.sha256.expected ?? "—"}\`<br>actual \`${report.sha256.actual ?? "—"}\` |`,
  );
  lines.push(
    `| size | expected ${bytes(report.size.expected)}, actual ${bytes(report.size.actual)} |`,
  );
  if (report.neo4j)
    lines.push(
      `| restored into | ephemeral Neo4j ${report.neo4j.version} (${report.neo4j.edition}), database \`${code(report.neo4j.database)}\` |`,
    );
  if (report.proof)
    lines.push(
      `| proof of content | **${PROOF[report.proof.method]}**: ${cell(report.proof.detail)} |`,
    );
  lines.push("");

  if (report.checks.length > 0) {
    lines.push("| | check | expected | actual |", "| --- | --- | --- | --- |");
    for (const c of report.checks) {
      const actual =
        c.status === "skip" || (c.status === "fail" && c.actual === undefined)
          ? cell(c.detail ?? "—")
          : cell(short(c.actual));
      lines.push(
        `| ${ICON[c.status]} | ${cell(c.name)} | ${cell(short(c.expected))} | ${actual} |`,
      );
    }
    lines.push("");
  }
  if (report.counts?.actual) {
    const { expected, actual } = report.counts;
    lines.push(
      `Counts: ${actual.nodes} nodes, ${actual.relationships} relationships${expected ? ` (sidecar: ${expected.nodes} / ${expected.relationships}${expected.exact === false ? ", inexact: not compared" : ""})` : " (no stats in the sidecar)"}.`,
      "",
    );
  }
  const schema = report.counts?.actual?.schema;
  if (schema) {
    const recorded = report.counts?.expected?.schema;
    lines.push(
      `Schema: ${plural(schema.constraints.length, "constraint")}, ${plural(schema.indexes.length, "index", "indexes")}${recorded ? ` (sidecar: ${recorded.constraints.length} / ${recorded.indexes.length})` : " (no schema in the sidecar)"}.`,
      "",
    );
  }
  if (report.plan)
    lines.push("Plan:", "", ...report.plan.map((s, i) => `${i + 1}. ${cell(s)}`), "");
  const durations = Object.entries(report.durations_ms);
  lines.push(
    `Durations: ${durations.map(([step, ms]) => `${step} ${seconds(ms)}`).join(", ")}`,
    "",
  );
  return `${lines.join("\n")}\n`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

function code(text: string): string {
  return text.replace(/`/g, "'");
}

function bytes(n: number | undefined): string {
  return n === undefined ? "—" : `${n.toLocaleString("en-US")} B`;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
