import {
  formatBytes,
  storeClient,
  type CliLogger,
  type Outcome,
  requireRegion,
} from "@nbs/cli-kit";
import type { createS3Client } from "@nbs/s3-store";
import { catalogBackups, type CatalogEntry } from "@nbs/verify";
import type { ResolvedListSettings } from "./settings.js";

export interface ListDeps {
  logger: CliLogger;
  signal: AbortSignal;
  /** Where the table goes when the output is not JSON. */
  stdout: NodeJS.WritableStream;
  /** Print a table (a terminal without --json) instead of handing the entries to the JSON document. */
  table: boolean;
  /** Receives the entries for the `--json` document (they stay out of the final log event). */
  keep: (backups: CatalogEntry[]) => void;
  createClient?: typeof createS3Client;
}

/** List backups under the prefix, newest first; broken ones are shown, never dropped. */
export async function runList(settings: ResolvedListSettings, deps: ListDeps): Promise<Outcome> {
  requireRegion(settings.region);
  const client = storeClient(settings, deps.createClient);
  try {
    const backups = await catalogBackups({
      client,
      bucket: settings.bucket,
      prefix: settings.prefix,
      ...(settings.db ? { db: settings.db } : {}),
      all: settings.all,
      signal: deps.signal,
    });
    const broken = backups.filter((b) => b.state === "broken");
    if (broken.length > 0)
      deps.logger.log("warn", "list.broken", {
        keys: broken.map((b) => b.key),
        message:
          "these backups are broken (invalid sidecar, missing dump or wrong size): do not restore them",
      });
    const shrunk = backups.filter((b) => b.shrink !== undefined);
    if (shrunk.length > 0)
      deps.logger.log("warn", "list.shrunk", {
        keys: shrunk.map((b) => b.key),
        message:
          "these backups are much smaller than the one before them (shrink in their sidecar): check the database was not emptied by mistake",
      });
    const summary = {
      bucket: settings.bucket,
      prefix: settings.prefix,
      committed: backups.filter((b) => b.state === "committed").length,
      broken: broken.length,
      uncommitted: backups.filter((b) => b.state === "uncommitted").length,
      shrunk: shrunk.length,
    };
    if (deps.table) deps.stdout.write(renderTable(backups));
    else deps.keep(backups);
    return { outcome: "listed", ...summary };
  } finally {
    client.destroy();
  }
}

const COLUMNS: Array<[string, (b: CatalogEntry) => string]> = [
  ["STATE", (b) => b.state],
  ["DB", (b) => b.db],
  ["CREATED (UTC)", (b) => b.created_at],
  ["SIZE", (b) => formatBytes(b.size)],
  ["SHA256", (b) => (b.sha256 ? b.sha256.slice(0, 12) : "-")],
  ["NEO4J", (b) => b.neo4j_version ?? "-"],
  ["RETAIN UNTIL", (b) => retention(b)],
  ["NODES", (b) => count(b.nodes, b.counts_exact)],
  ["RELS", (b) => count(b.relationships, b.counts_exact)],
  ["SHRINK", (b) => (b.shrink ? `-${Math.round((1 - b.shrink.ratio) * 100)}%` : "-")],
  ["LAST VERIFIED (UTC)", (b) => verified(b.last_verification)],
  ["KEY", (b) => (b.reason ? `${b.key}  (${b.reason})` : b.key)],
];

/** The Object Lock retain-until date, `C ` marking COMPLIANCE (no one can shorten it), `G ` GOVERNANCE. */
function retention(b: CatalogEntry): string {
  const lock = b.object_lock;
  return lock ? `${lock.mode[0]} ${lock.retain_until.replace(/\.\d{3}Z$/, "Z")}` : "-";
}

/** `2026-12-06T16:42:09Z load ok`, or `-` when no verification was recorded. */
function verified(v: CatalogEntry["last_verification"]): string {
  if (!v) return "-";
  return `${v.verified_at.replace(/\.\d{3}Z$/, "Z")} ${v.mode} ${v.ok ? "ok" : "FAILED"}`;
}

function count(n: number | undefined, exact: boolean | undefined): string {
  return n === undefined ? "-" : exact === false ? `~${n}` : String(n);
}

/**
 * A plain aligned table, newest first; `~` marks counts taken while writes were landing; SHRINK
 * is the drop the shrink guard recorded against the previous backup (the measure that fell most).
 */
export function renderTable(backups: readonly CatalogEntry[]): string {
  if (backups.length === 0) return "no backups found\n";
  const rows = [COLUMNS.map(([h]) => h), ...backups.map((b) => COLUMNS.map(([, f]) => f(b)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  "),
    )
    .join("\n")
    .concat("\n");
}
