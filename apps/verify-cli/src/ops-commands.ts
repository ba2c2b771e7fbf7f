import {
  createCliLogger,
  defaultLogFormat,
  readConfigFile,
  reportUsageError,
  runCommand,
  type CliLogger,
  type LogFormat,
} from "@nbs/cli-kit";
import { LIST_SETTINGS, resolveListSettings } from "./list-settings.js";
import { RESTORE_SETTINGS, resolveRestoreSettings } from "./restore-settings.js";

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
}

export const LIST_ABOUT =
  "Committed backups (a valid .meta.json next to the dump) under --prefix, optionally only --db, newest first: db, key, dump time, size, sha256, Neo4j version, node and relationship counts (~ marks counts taken while writes were landing). Broken backups (an invalid sidecar, a sidecar whose dump is gone, or a stored size other than the recorded one) are listed as broken with the reason, never dropped, and logged as a warning; do not restore them. --all adds dumps without a sidecar (uploads still running or never committed) as uncommitted. A table on a terminal; JSON ({ backups: [...] }) otherwise or with --json. Read-only: exit 0 whatever the states.";

export const RESTORE_ABOUT =
  "Restore a backup onto your own Neo4j (Community has no online restore): resolve the source (--latest, --s3-uri, --bucket with --key, or --file), download into a private workspace hashing while streaming, compare sha256 and size with the sidecar (or --sha256) and the object's metadata and check it is a Neo4j dump — bytes that fail any check are never loaded and Neo4j is not touched (exit 5). Then neo4j stop, neo4j-admin database load --overwrite-destination, neo4j start (always, also when the load fails), wait for Bolt, and compare node, relationship, label and type counts with the sidecar's stats (exit 6 when they differ; Neo4j is left running).\n\nSafety: before stopping anything, the target database's nodes are counted over Bolt (--neo4j-uri, NEO4J_USERNAME, NEO4J_PASSWORD — the password only from the environment); if it holds data, or Neo4j is not running so it cannot be checked, the restore is refused with exit 2 (RESTORE_TARGET_NOT_EMPTY / RESTORE_TARGET_UNKNOWN) unless --force. --dry-run does the same checks and prints the plan without downloading or stopping anything. Ctrl-C during the load waits for it to finish and Neo4j to start (a second Ctrl-C forces).";

/** `list` or `restore` when the command line names one; undefined for the default (verify). */
export function opsCommand(args: Record<string, unknown>): "list" | "restore" | undefined {
  const first: unknown = Array.isArray(args["_"]) ? (args["_"] as unknown[])[0] : undefined;
  return first === "list" || first === "restore" ? first : undefined;
}

/** Resolve the command's settings once, then run it under runCommand (final event, exit code). */
export async function dispatchOps(
  command: "list" | "restore",
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>,
  io: Io,
): Promise<number> {
  let resolved;
  try {
    const file = await readConfigFile(
      (flags["config"] as string | undefined) ?? env["NBS_CONFIG"],
      Object.keys(command === "list" ? LIST_SETTINGS : RESTORE_SETTINGS),
    );
    resolved =
      command === "list"
        ? { command, ...resolveListSettings(flags, env, file) }
        : { command, ...resolveRestoreSettings(flags, env, file) };
  } catch (error) {
    return reportUsageError("nbs-verify", error, io.stderr);
  }
  const { settings } = resolved;
  const format: LogFormat = settings.logFormat ?? defaultLogFormat(io.stderr as NodeJS.WriteStream);
  const logger = createCliLogger({ format, verbose: settings.verbose, stream: io.stderr, env });
  logger.log("debug", "config.resolved", { command, origins: resolved.origins });
  const tty = (io.stderr as NodeJS.WriteStream).isTTY
    ? (io.stderr as NodeJS.WriteStream)
    : undefined;
  if (resolved.command === "list") {
    const listSettings = resolved.settings;
    const json = listSettings.json ?? (io.stdout as NodeJS.WriteStream).isTTY !== true;
    return runCommand(
      {
        logger: withoutCatalogue(logger),
        event: "list.result",
        jsonOut: json ? io.stdout : undefined,
        env,
      },
      async (signal) => {
        const { runList } = await import("./list.js");
        return runList(listSettings, { logger, signal, stdout: io.stdout, table: !json });
      },
    );
  }
  const restoreSettings = resolved.settings;
  return runCommand(
    { logger, event: "restore.result", jsonOut: restoreSettings.json ? io.stdout : undefined, env },
    async (signal) => {
      const { runRestore } = await import("./restore.js");
      return runRestore(restoreSettings, { logger, env, signal, ...(tty ? { tty } : {}) });
    },
  );
}

/** The final log event carries the counts; the entries themselves go to stdout only. */
function withoutCatalogue(logger: CliLogger): CliLogger {
  return {
    format: logger.format,
    flush: () => logger.flush(),
    log(level, event, fields) {
      if (event !== "list.result" || fields === undefined) return logger.log(level, event, fields);
      logger.log(
        level,
        event,
        Object.fromEntries(Object.entries(fields).filter(([key]) => key !== "backups")),
      );
    },
  };
}
