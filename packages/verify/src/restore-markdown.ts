import type { RestoreServerReport } from "./restore-report.js";

/** A failed restore as the summary shows it (the thrown error's code, message and hint). */
export interface RestoreFailure {
  code: string;
  message: string;
  hint?: string;
}

/**
 * A Markdown summary of `nbs-verify restore` fit for `$GITHUB_STEP_SUMMARY`: the verdict, the
 * failure with its hint (which name the safety copy when one was made), and what was checked
 * before the stop: server, database, version, space, and the safety copy.
 */
export function renderRestoreSummaryMarkdown(
  report: RestoreServerReport | undefined,
  failure?: RestoreFailure,
): string {
  const verdict = failure
    ? "❌ failed"
    : report?.outcome === "dry-run"
      ? "📝 dry run"
      : "✅ restored";
  const lines = [
    `### nbs-verify restore: ${verdict}${report ? ` — \`${code(report.source.location)}\`` : ""}`,
    "",
  ];
  if (failure)
    lines.push(
      `> **${failure.code}**: ${cell(failure.message)}${failure.hint ? `  \n> hint: ${cell(failure.hint)}` : ""}`,
      "",
    );
  if (report) {
    const { target, preflight } = report;
    lines.push("| | |", "| --- | --- |");
    lines.push(
      `| database | \`${code(target.database)}\`${preflight.database.renamed ? ` (the backup of \`${code(preflight.database.backup ?? "?")}\`, --as-db)` : ""} at ${cell(target.neo4j_home)}, Neo4j ${target.neo4j_version} |`,
    );
    lines.push(
      `| same server | ${cell(target.server.uri)}: ${target.server.proven_by === "nothing_answers" ? "the server is down and nothing answers there" : `reports the installation's ${target.server.proven_by === "neo4j_home" ? "home" : "data directory"}`} |`,
    );
    lines.push(
      `| dump version | ${preflight.version.dump ?? "not recorded"} into ${preflight.version.target} (${preflight.version.loadable === "yes" ? "loadable" : "not checked"}) |`,
    );
    lines.push(
      `| free space | ${preflight.space.free_bytes.toLocaleString("en-US")} B in ${cell(preflight.space.data_dir)}, needed ${preflight.space.needed_bytes.toLocaleString("en-US")} B (${preflight.space.factor}× the dump) |`,
    );
    lines.push(`| safety copy | ${safetyCopy(report.safety_copy)} |`, "");
  }
  return `${lines.join("\n")}\n`;
}

function safetyCopy(copy: RestoreServerReport["safety_copy"]): string {
  switch (copy.status) {
    case "made":
      return `\`${code(copy.file)}\` (sha256 \`${copy.sha256}\`, with its .meta.json)${copy.loaded_back ? ", loaded back after the failed load" : ""}`;
    case "planned":
      return `to be written under \`${code(copy.dir)}\``;
    case "skipped":
      return "⚠️ none (--no-safety-copy): the replaced data has no way back";
    case "not-needed":
      return "none needed: the target held no data";
  }
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

function code(text: string): string {
  return text.replace(/`/g, "'");
}
