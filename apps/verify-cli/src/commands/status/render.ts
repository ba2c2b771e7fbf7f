import { formatAge, formatBytes } from "@nbs/cli-kit";
import type { DbStatus, StatusReport } from "@nbs/verify";

const change = (d: DbStatus) =>
  d.change_ratio === undefined
    ? "-"
    : `${d.change_ratio >= 1 ? "+" : "-"}${Math.round(Math.abs(1 - d.change_ratio) * 100)}%`;

const COLUMNS: Array<[string, (d: DbStatus) => string]> = [
  ["DB", (d) => d.db],
  ["STATUS", (d) => (d.ok ? "ok" : d.problems.map((p) => p.code).join(","))],
  ["NEWEST (UTC)", (d) => d.newest?.created_at ?? "-"],
  ["AGE", (d) => (d.newest ? formatAge(d.newest.age_ms) : "-")],
  ["SIZE", (d) => (d.newest ? formatBytes(d.newest.stored_size) : "-")],
  ["NODES", (d) => String(d.newest?.nodes ?? "-")],
  ["RELS", (d) => String(d.newest?.relationships ?? "-")],
  ["VS PREV", change],
  [
    "VERIFIED",
    (d) =>
      d.verification ? `${formatAge(d.verification.age_ms)} ago (${d.verification.mode})` : "never",
  ],
  ["UNCOMMITTED", (d) => String(d.uncommitted.length)],
  ["BROKEN", (d) => String(d.broken.length)],
];

/** One row per database, then each problem on its own line. */
export function renderStatusTable(report: StatusReport): string {
  const rows = [
    COLUMNS.map(([h]) => h),
    ...report.databases.map((d) => COLUMNS.map(([, f]) => f(d))),
  ];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) =>
    r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  "),
  );
  const problems = report.databases.flatMap((d) =>
    d.problems.map((p) => `${p.code}: ${p.message}`),
  );
  return [...table, ...(problems.length > 0 ? ["", ...problems] : [])].join("\n").concat("\n");
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

/** The job summary (`--summary-md`): a verdict line, the table, the problems. */
export function renderStatusMarkdown(report: StatusReport, where: string): string {
  const verdict = report.ok
    ? `✅ nbs backup status: all ${report.databases.length} database(s) fresh, verified and not shrunk`
    : `❌ nbs backup status: ${report.databases.filter((d) => !d.ok).length} of ${report.databases.length} database(s) need attention`;
  const t = report.thresholds;
  const lines = [
    `### ${verdict}`,
    "",
    `${cell(where)} · checked ${report.checked_at} · --max-age ${formatAge(t.max_age_ms)} · --max-verify-age ${formatAge(t.max_verify_age_ms)} · --max-shrink ${Math.round(t.max_shrink * 100)}%`,
    "",
    `| ${COLUMNS.map(([h]) => h).join(" | ")} |`,
    `| ${COLUMNS.map(() => "---").join(" | ")} |`,
    ...report.databases.map((d) => `| ${COLUMNS.map(([, f]) => cell(f(d))).join(" | ")} |`),
  ];
  const problems = report.databases.flatMap((d) => d.problems);
  if (problems.length > 0)
    lines.push("", ...problems.map((p) => `- **${p.code}**: ${cell(p.message)}`));
  const broken = report.databases.flatMap((d) => d.broken);
  if (broken.length > 0)
    lines.push("", ...broken.map((b) => `- broken: \`${b.key}\` (${cell(b.reason)})`));
  return `${lines.join("\n")}\n\n`;
}
