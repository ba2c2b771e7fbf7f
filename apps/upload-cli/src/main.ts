import { defineCommand, runCli, type CliIo, type CliMain } from "@nbs/cli-kit";
import type { BackupFileResult } from "@nbs/s3-store";
import { DUMP_SETTINGS, resolveDumpSettings } from "./dump-settings.js";
import { RETENTION_SETTINGS, resolveRetentionSettings } from "./retention-settings.js";
import { dumpMetrics, uploadMetrics } from "./metrics.js";
import { UPLOAD_SETTINGS, resolveUploadSettings, type UploadSettings } from "./settings.js";
import { TOOL } from "./tool.js";

export type Io = CliIo;

// Each implementation is imported only when its command runs: `--help` and usage errors load none.
const upload = defineCommand<UploadSettings, BackupFileResult>({
  name: "upload",
  describe: "upload a Neo4j dump with its sha256 and .meta.json sidecar (the default)",
  settings: UPLOAD_SETTINGS,
  resolve: resolveUploadSettings,
  run: async (settings, { logger, env, signal, tty, keep }) => {
    const { runUpload } = await import("./upload.js");
    return runUpload(settings, { logger, env, signal, tty, onResult: keep });
  },
  metrics: uploadMetrics,
  healthcheck: true,
});

const dump = defineCommand({
  name: "dump",
  describe: "take a dump of a local Neo4j (online stats, stop, dump, restart) with a local sidecar",
  settings: DUMP_SETTINGS,
  resolve: resolveDumpSettings,
  run: async (settings, { logger, env, signal }) => {
    const { runDump } = await import("./dump.js");
    return runDump(settings, { logger, env, signal });
  },
  metrics: dumpMetrics,
  healthcheck: true,
});

const retention = defineCommand({
  name: "retention",
  describe:
    "print the lifecycle rule that expires backups under the prefix; --apply merges it into the bucket",
  about:
    "Expiry is done by the store's lifecycle rule; nothing is ever deleted from here. Without --apply the rule is only printed (no credentials needed). --apply keeps every other rule of the bucket, and writes nothing when the same rule is already there.",
  settings: RETENTION_SETTINGS,
  resolve: resolveRetentionSettings,
  run: async (settings, { logger, signal }) => {
    const { runRetention } = await import("./retention.js");
    return runRetention(settings, { logger, signal });
  },
});

const USAGE = [
  "$0 [upload] --file <dump> --bucket <bucket> [options]",
  "$0 dump --out-dir <dir> [options]",
  "$0 retention --days <n> --prefix <prefix> [--apply --bucket <bucket>]",
].join("\n");

/** Parse, resolve configuration once, run one command, return its exit code. Never exits. */
export const main: CliMain = (argv, env, io, interrupt) =>
  runCli({
    program: "nbs-upload",
    version: TOOL.version,
    usage: USAGE,
    commands: [upload, dump, retention],
    argv,
    env,
    io,
    interrupt,
  });
