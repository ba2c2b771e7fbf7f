import { defineCommand, runCli, type CliIo, type CliMain, type JsonDocument } from "@nbs/cli-kit";
import type { VerifyReport } from "@nbs/verify";
import pkg from "../package.json" with { type: "json" };
import { verifyMetrics } from "./metrics.js";
import { list, restore, restoreSet } from "./ops-commands.js";
import { status } from "./commands/status/command.js";
import { VERIFY_SETTINGS, resolveVerifySettings } from "./commands/verify/settings.js";

export type Io = CliIo;

const USAGE = [
  "$0 --s3-uri s3://<bucket>/<key> [--mode checksum|check|load] [options]",
  "$0 --latest --bucket <bucket> --prefix <prefix> [--db <db>] [options]",
  "$0 --file <dump> [options]",
  "$0 list [--prefix <prefix>] [--db <db>] [--all] [--json]",
  "$0 status [--prefix <prefix>] [--db <db>[,<db>…]] [--max-age 26h] [--max-verify-age 8d] [--max-shrink 50%] [--json] [--summary-md <file>]",
  "$0 restore --latest|--s3-uri <uri>|--file <dump> --db <db> --neo4j-home <dir> --neo4j-uri <bolt> [--as-db <db>] [--force] [--safety-dir <dir> | --no-safety-copy] [--dry-run]",
  "$0 restore-set --set latest|<id> --bucket <bucket> --prefix <prefix> | --set-file <out-dir>/sets/<id>.json --neo4j-home <dir> --force",
].join("\n");

const verify = defineCommand({
  name: "verify",
  describe: "verify that a stored Neo4j backup is intact and restores",
  about: `Download into a private temp workspace (hashing while streaming), compare sha256 and size with the .meta.json sidecar and the object's metadata, then optionally load into an EPHEMERAL Neo4j (own home, random ports; the installation is only borrowed) for a consistency check or counts and a smoke query.\n\nOutcomes: verified (exit 0) = the sha256 matched an independent record (the .meta.json sidecar, or --sha256) and every step passed; unverified (exit 5) = there was nothing to compare the sha256 with (a --file without <file>.meta.json and no --sha256). --latest takes the newest committed backup: if it is broken (an invalid sidecar, or a sidecar whose dump is gone), that is a failure (exit 5) naming it, never a fall-back to an older one; newer dumps without a sidecar (uploads still running) are ignored and listed as uncommitted. --mode load compares counts with the sidecar's stats unless the backup recorded them as inexact (writes landed between counting and the stop).\n\nnbs-verify: 5 = the bytes differ from the sidecar / --sha256 / object metadata, unverified, the sidecar is missing or invalid, the newest backup under --latest is broken, or --latest found no committed backup; 6 = the dump did not load, failed the check, counting failed, or its counts/smoke query disagree; 4 with VERIFY_RECORD_FAILED = the backup verified but --record could not write its verification record.`,
  settings: VERIFY_SETTINGS,
  resolve: resolveVerifySettings,
  // Imported only when it runs: `--help` and usage errors do not load it.
  run: async (settings, { logger, env, signal, tty, keep }) => {
    const { runVerify } = await import("./commands/verify/run.js");
    return runVerify(settings, { logger, env, signal, tty, onReport: keep });
  },
  // `{ ok: false, error }` alone is not enough for a CI job reading --json: it also wants the
  // report (which checks failed, expected vs actual). Redacted with the rest of the document.
  render: (doc: JsonDocument, report: VerifyReport | undefined) =>
    doc.ok === false && report ? { ...doc, report } : doc,
  metrics: verifyMetrics,
  healthcheck: true,
});

/** Parse, resolve configuration once, run the verification, return its exit code. Never exits. */
export const main: CliMain = (argv, env, io, interrupt) =>
  runCli({
    program: "nbs-verify",
    version: pkg.version,
    usage: USAGE,
    commands: [verify, list, restore, restoreSet, status],
    argv,
    env,
    io,
    interrupt,
  });
