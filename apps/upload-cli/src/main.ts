import { defineCommand, runCli, type CliIo, type CliMain } from "@nbs/cli-kit";
import type { BackupFileResult } from "@nbs/s3-store";
import { DUMP_SETTINGS, resolveDumpSettings } from "./commands/dump/settings.js";
import type { PlanRow } from "./commands/prune/run.js";
import {
  PRUNE_SETTINGS,
  resolvePruneSettings,
  type PruneSettings,
} from "./commands/prune/settings.js";
import { RETENTION_SETTINGS, resolveRetentionSettings } from "./commands/retention/settings.js";
import { dumpMetrics, uploadMetrics } from "./metrics.js";
import {
  UPLOAD_SETTINGS,
  resolveUploadSettings,
  type UploadSettings,
} from "./commands/upload/settings.js";
import { TOOL } from "./tool.js";

export type Io = CliIo;

// Each implementation is imported only when its command runs: `--help` and usage errors load none.
const upload = defineCommand<UploadSettings, BackupFileResult>({
  name: "upload",
  describe: "upload a Neo4j dump with its sha256 and .meta.json sidecar (the default)",
  settings: UPLOAD_SETTINGS,
  resolve: resolveUploadSettings,
  run: async (settings, { logger, env, signal, tty, keep }) => {
    const { runUpload } = await import("./commands/upload/run.js");
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
    const { runDump } = await import("./commands/dump/run.js");
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
    "Sets the store's lifecycle rule: age-based expiry under the prefix, whether a backup was verified or not (for keep rules that protect the newest verified backup, see `nbs-upload prune`; with both, give the lifecycle more days than prune keeps, as a backstop). Expiry is done by the store; nothing is ever deleted from here. Without --apply the rule is only printed (no credentials needed). --apply keeps every other rule of the bucket, and writes nothing when the same rule is already there.",
  settings: RETENTION_SETTINGS,
  resolve: resolveRetentionSettings,
  run: async (settings, { logger, signal }) => {
    const { runRetention } = await import("./commands/retention/run.js");
    return runRetention(settings, { logger, signal });
  },
});

const prune = defineCommand<PruneSettings, PlanRow[]>({
  name: "prune",
  describe:
    "plan (and with --apply delete) backups by restic-style keep rules; never the newest committed or verified one",
  about:
    "Per database under --prefix, keep what --keep-last/--keep-hourly/--keep-daily/--keep-weekly/--keep-monthly/--keep-yearly/--keep-within keep (restic's rules, periods in UTC, --keep-within counted back from the newest backup), and remove the rest. Whatever the rules say, prune never removes: the newest committed backup (by the sidecar's created_at and by the server's LastModified); the newest verified backup (verification records, nbs-verify --record) nor anything newer; anything committed while no backup of the database was ever verified; anything of a database that has a dump without a sidecar younger than --uncommitted-age (an upload may be running); a backup whose created_at and LastModified differ by more than --time-tolerance (flagged); a backup whose dump or sidecar is under an Object Lock retention (until it expires); the last backup before a shrinking one (sidecar `shrink`) for --keep-before-shrink. Dumps without a sidecar older than --uncommitted-age are removed; broken backups only with --remove-broken. Dry run by default: the plan (keep/remove and every reason) as a table on a terminal, JSON ({ plan: [...] }) otherwise or with --json. --apply deletes each removed backup's sidecar first, then its dump, then its verification records, oldest first: an interrupted prune leaves at worst an uncommitted dump or stray records, which the next prune removes. Exit 0 for a plan or a finished prune (flagged and broken backups are warnings), 2 for bad options (PRUNE_NO_RULES: no keep rule), 4 when the store refuses or fails (ACCESS_DENIED also when a retention the plan could not see holds), 130 when interrupted (re-run: it resumes).",
  settings: PRUNE_SETTINGS,
  resolve: resolvePruneSettings,
  run: async (settings, { logger, signal, stdout, json, keep }) => {
    const { runPrune } = await import("./commands/prune/run.js");
    return runPrune(settings, { logger, signal, stdout, table: !json, keep });
  },
  render: (doc, plan) => (plan ? { ...doc, plan } : doc),
});

const USAGE = [
  "$0 [upload] --file <dump> --bucket <bucket> [options]",
  "$0 dump --out-dir <dir> [options]",
  "$0 retention --days <n> --prefix <prefix> [--apply --bucket <bucket>]",
  "$0 prune --bucket <bucket> --prefix <prefix> --keep-daily <n> [--keep-...] [--apply]",
].join("\n");

/** Parse, resolve configuration once, run one command, return its exit code. Never exits. */
export const main: CliMain = (argv, env, io, interrupt) =>
  runCli({
    program: "nbs-upload",
    version: TOOL.version,
    usage: USAGE,
    commands: [upload, dump, retention, prune],
    argv,
    env,
    io,
    interrupt,
  });
