import {
  EXIT_CODES_HELP,
  ExitCode,
  createCliLogger,
  defaultLogFormat,
  readConfigFile,
  runCommand,
  parseCommandLine,
  addSettingOptions,
  flagsFrom,
  helpEpilogue,
  reportUsageError,
  type LogFormat,
} from "@nbs/cli-kit";
import yargs from "yargs";
import { DUMP_SETTINGS, resolveDumpSettings } from "./dump-settings.js";
import { RETENTION_SETTINGS, resolveRetentionSettings } from "./retention-settings.js";
import { UPLOAD_SETTINGS, resolveUploadSettings } from "./settings.js";
import { TOOL } from "./tool.js";

const RETENTION_HELP = [
  "Expiry is done by the store's lifecycle rule; nothing is ever deleted from here. Without --apply the rule is only printed (no credentials needed). --apply keeps every other rule of the bucket, and writes nothing when the same rule is already there.",
  EXIT_CODES_HELP,
].join("\n\n");

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
}

/** Parse, resolve configuration once, run one command, return its exit code. Never exits. */
export async function main(
  argv: string[],
  env: Record<string, string | undefined>,
  io: Io,
): Promise<number> {
  let args: Record<string, unknown>;
  try {
    args = await parseCommandLine(
      yargs(argv)
        .scriptName("nbs-upload")
        .usage(
          "$0 [upload] --file <dump> --bucket <bucket> [options]\n$0 dump --out-dir <dir> [options]\n$0 retention --days <n> --prefix <prefix> [--apply --bucket <bucket>]",
        )
        // Each command's help ends with the exit codes too: yargs shows the program's epilogue
        // only in the program's help, where the hidden default command adds none of its own.
        .command(
          "upload",
          "upload a Neo4j dump with its sha256 and .meta.json sidecar (the default)",
          (y) => addSettingOptions(y, UPLOAD_SETTINGS).epilogue(helpEpilogue()),
        )
        .command(
          "dump",
          "take a dump of a local Neo4j (online stats, stop, dump, restart) with a local sidecar",
          (y) => addSettingOptions(y, DUMP_SETTINGS).epilogue(helpEpilogue()),
        )
        .command(
          "retention",
          "print the lifecycle rule that expires backups under the prefix; --apply merges it into the bucket",
          (y) => addSettingOptions(y, RETENTION_SETTINGS).epilogue(RETENTION_HELP),
        )
        .command("$0", false, (y) => addSettingOptions(y, UPLOAD_SETTINGS)),
      {
        program: "nbs-upload",
        version: TOOL.version,
        argv,
        columns: (io.stdout as NodeJS.WriteStream).columns,
      },
    );
  } catch (error) {
    return reportUsageError("nbs-upload", error, io.stderr);
  }
  if (args["help"] === true || args["version"] === true) return ExitCode.OK;
  const flags = flagsFrom(args);
  const first: unknown = args["_"] instanceof Array ? args["_"][0] : undefined;
  const command = first === "dump" || first === "retention" ? first : "upload";
  const table = { dump: DUMP_SETTINGS, retention: RETENTION_SETTINGS, upload: UPLOAD_SETTINGS }[
    command
  ];

  let resolved;
  try {
    const file = await readConfigFile(
      (flags["config"] as string | undefined) ?? env["NBS_CONFIG"],
      Object.keys(table),
    );
    resolved =
      command === "dump"
        ? resolveDumpSettings(flags, env, file)
        : command === "retention"
          ? resolveRetentionSettings(flags, env, file)
          : resolveUploadSettings(flags, env, file);
  } catch (error) {
    return reportUsageError("nbs-upload", error, io.stderr);
  }
  const settings = resolved.settings;
  const format: LogFormat = settings.logFormat ?? defaultLogFormat(io.stderr as NodeJS.WriteStream);
  const logger = createCliLogger({ format, verbose: settings.verbose, stream: io.stderr, env });
  logger.log("debug", "config.resolved", { command, origins: resolved.origins });
  const tty = (io.stderr as NodeJS.WriteStream).isTTY
    ? (io.stderr as NodeJS.WriteStream)
    : undefined;
  return runCommand(
    { logger, event: `${command}.result`, jsonOut: settings.json ? io.stdout : undefined, env },
    async (signal) => {
      if (command === "retention") {
        const { runRetention } = await import("./retention.js");
        const settings = resolved.settings as Parameters<typeof runRetention>[0];
        return runRetention(settings, { logger, signal });
      }
      if (command === "dump") {
        const { runDump } = await import("./dump.js");
        return runDump(resolved.settings as Parameters<typeof runDump>[0], { logger, env, signal });
      }
      const { runUpload } = await import("./upload.js");
      return runUpload(resolved.settings as Parameters<typeof runUpload>[0], {
        logger,
        env,
        signal,
        ...(tty ? { tty } : {}),
      });
    },
  );
}
