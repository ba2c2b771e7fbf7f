import { defineCommand } from "@nbs/cli-kit";
import type { CatalogEntry } from "@nbs/verify";
import { LIST_SETTINGS, resolveListSettings } from "./commands/list/settings.js";
import { RESTORE_SETTINGS, resolveRestoreSettings } from "./commands/restore/settings.js";
import {
  RESTORE_SET_SETTINGS,
  resolveRestoreSetSettings,
} from "./commands/restore-set/settings.js";

// Each implementation is imported only when its command runs: `--help` and usage errors load none.

export const list = defineCommand<
  ReturnType<typeof resolveListSettings>["settings"],
  CatalogEntry[]
>({
  name: "list",
  describe: "list the backups under the prefix, newest first",
  about:
    "Committed backups (a valid .meta.json next to the dump) under --prefix, optionally only --db, newest first: db, key, dump time, size, sha256, Neo4j version, node and relationship counts (~ marks counts taken while writes were landing). Broken backups (an invalid sidecar, a sidecar whose dump is gone, or a stored size other than the recorded one) are listed as broken with the reason, never dropped, and logged as a warning; do not restore them. --all adds dumps without a sidecar (uploads still running or never committed) as uncommitted. A table on a terminal; JSON ({ backups: [...] }) otherwise or with --json. Read-only: exit 0 whatever the states.",
  settings: LIST_SETTINGS,
  resolve: resolveListSettings,
  run: async (settings, { logger, signal, stdout, json, keep }) => {
    const { runList } = await import("./commands/list/run.js");
    return runList(settings, { logger, signal, stdout, table: !json, keep });
  },
  // The entries go to the --json document only; the final log event carries the counts.
  render: (doc, backups) => (backups ? { ...doc, backups } : doc),
});

export const restore = defineCommand({
  name: "restore",
  describe: "restore a verified backup onto your Neo4j (stop, load, start, compare counts)",
  about:
    "Restore a backup onto your own Neo4j (Community has no online restore): resolve the source (--latest, --s3-uri, --bucket with --key, or --file), download into a private workspace hashing while streaming, compare sha256 and size with the sidecar (or --sha256) and the object's metadata and check it is a Neo4j dump — bytes that fail any check are never loaded and Neo4j is not touched (exit 5). Then neo4j stop, neo4j-admin database load --overwrite-destination, neo4j start (always, also when the load fails), wait for Bolt, and compare node, relationship, label and type counts with the sidecar's stats (exit 6 when they differ; Neo4j is left running).\n\nSafety: before stopping anything, the target database's nodes are counted over Bolt (--neo4j-uri, NEO4J_USERNAME, NEO4J_PASSWORD — the password only from the environment); if it holds data, or Neo4j is not running so it cannot be checked, the restore is refused with exit 2 (RESTORE_TARGET_NOT_EMPTY / RESTORE_TARGET_UNKNOWN) unless --force. Also before anything is stopped or downloaded (exit 2 unless noted, nothing changed): --neo4j-uri must be the server of --neo4j-home (the home and data directory it reports vs the home's conf/neo4j.conf; RESTORE_SERVER_MISMATCH, RESTORE_SERVER_UNPROVEN), the backup's sidecar must be of --db (RESTORE_DB_MISMATCH; --as-db NAME replaces NAME with the backup of --db on purpose), the target name must be one Neo4j accepts (RESTORE_DB_NAME_INVALID), the dump must not come from a newer Neo4j than the target (RESTORE_VERSION_INCOMPATIBLE), and the data directory needs 3x the dump size free (RESTORE_DISK_SPACE_LOW, exit 3).\n\nSafety copy: when the target holds data (--force), it is dumped after the stop and before the load to --safety-dir (default nbs-safety-copies beside the data directory; <db>-<time>-*/<db>.dump with its .meta.json, never deleted by nbs) and named in the report; if the load fails it is loaded back, so Neo4j starts again with its previous data (exit 6, RESTORE_LOAD_FAILED naming the copy). A copy that cannot be made cancels the load (RESTORE_SAFETY_COPY_FAILED, exit 6, data unchanged). --no-safety-copy replaces the data without one (warned). --dry-run does all these checks, prints their results and the plan, and downloads and stops nothing. Ctrl-C during the load waits for it to finish and Neo4j to start (a second Ctrl-C forces). --neo4j-service NAME (NEO4J_SERVICE): a Neo4j run by systemd (the Debian/RPM packages) is asked, stopped and started through systemctl instead of bin/neo4j, with the same start on every path.",
  settings: RESTORE_SETTINGS,
  resolve: resolveRestoreSettings,
  run: async (settings, { logger, env, signal, tty }) => {
    const { runRestore } = await import("./commands/restore/run.js");
    return runRestore(settings, { logger, env, signal, ...(tty ? { tty } : {}) });
  },
});

export const restoreSet = defineCommand({
  name: "restore-set",
  describe: "restore a set (every database of one backup window) onto your Neo4j, system first",
  about:
    "Restore a set taken by backup.sh with several --db or --all-databases: --set latest (the newest committed set under --prefix; a set whose manifest was never written is not one), --set <id or manifest key>, or --set-file <out-dir>/sets/<id>.json. Every member is fetched into a private workspace and its sha256 and size compared with the manifest before anything is stopped (exit 5 on a mismatch). Then Neo4j is stopped once, each database it replaces is dumped to --safety-dir, the members are loaded with system first (users, roles, database definitions) and the others after it, and Neo4j is started (always; a failed load puts the safety copies back first). Before anything is fetched or stopped, the guards of restore (exit 2 unless noted, nothing changed): --neo4j-uri must be the server of --neo4j-home (RESTORE_SERVER_MISMATCH, RESTORE_SERVER_UNPROVEN), the set must not come from a newer Neo4j than the target (RESTORE_VERSION_INCOMPATIBLE), and the data directory needs 3x the members' size free (RESTORE_DISK_SPACE_LOW, exit 3). --dry-run runs them and prints the plan; --summary-md appends a Markdown summary, also on failure. --force is required (not with --dry-run). NEO4J_USERNAME / NEO4J_PASSWORD log in before the stop (the same-server proof, as an admin of the running server) and after the start (the restored system's users, those of the backed-up server): when they differ, stop the server first (the proof is then that nothing answers at the URI). --neo4j-service NAME (NEO4J_SERVICE) stops and starts a systemd unit through systemctl.",
  settings: RESTORE_SET_SETTINGS,
  resolve: resolveRestoreSetSettings,
  run: async (settings, { logger, env, signal }) => {
    const { runRestoreSet } = await import("./commands/restore-set/run.js");
    return runRestoreSet(settings, { logger, env, signal });
  },
});
