import { createRedactor, secretValuesFrom } from "@nbs/cli-kit";
import { appendSummary } from "../../outputs.js";

interface Failure {
  code: string;
  message: string;
  hint?: string;
}

/**
 * `restore-set --summary-md`: appended like restore's (GitHub collects every step's summary in
 * one file), redacted like the logs: the verdict, the failure with its hint, and the checks
 * made before the stop.
 */
export async function writeSetSummary(
  path: string | undefined,
  env: Record<string, string | undefined>,
  report: Record<string, unknown> | undefined,
  failure?: Failure,
): Promise<void> {
  if (path === undefined) return;
  const redact = createRedactor(secretValuesFrom(env));
  const text = redact(renderSetSummary(report, failure));
  await appendSummary(path, text);
}

function renderSetSummary(report: Record<string, unknown> | undefined, failure?: Failure): string {
  const verdict = failure
    ? "❌ failed"
    : report?.["outcome"] === "dry-run"
      ? "📝 dry run"
      : "✅ restored";
  const lines = [
    `### nbs-verify restore-set: ${verdict}${report ? ` — \`${String(report["set"])}\`` : ""}`,
    "",
  ];
  if (failure)
    lines.push(
      `> **${failure.code}**: ${cell(failure.message)}${failure.hint ? `  \n> hint: ${cell(failure.hint)}` : ""}`,
      "",
    );
  if (report) {
    const pre = report["preflight"] as {
      server: { uri: string; proven_by: string };
      version: { dump?: string; target: string };
      space: { free_bytes: number; needed_bytes: number; data_dir: string };
    };
    lines.push("| | |", "| --- | --- |");
    lines.push(`| source | ${cell(String(report["source"]))} |`);
    lines.push(
      `| databases | ${(report["databases"] as string[]).join(", ")} (in load order) at ${cell(String(report["neo4j_home"]))} |`,
    );
    lines.push(
      `| same server | ${cell(pre.server.uri)}: ${pre.server.proven_by === "nothing_answers" ? "the server is down and nothing answers there" : `reports the installation's ${pre.server.proven_by === "neo4j_home" ? "home" : "data directory"}`} |`,
    );
    lines.push(`| version | set ${pre.version.dump ?? "unknown"}, target ${pre.version.target} |`);
    lines.push(
      `| space | ${pre.space.free_bytes} bytes free in ${cell(pre.space.data_dir)}, ${pre.space.needed_bytes} needed |`,
    );
    const copies = report["safety_copies"] as Array<{ db: string; path: string }> | undefined;
    if (copies)
      lines.push(`| safety copies | ${copies.map((c) => `${c.db}: ${cell(c.path)}`).join("; ")} |`);
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}
