import {
  ExitCode,
  createCliLogger,
  createRedactor,
  defaultLogFormat,
  readConfigFile,
  redactValue,
  runCommand,
  parseCommandLine,
  addSettingOptions,
  flagsFrom,
  helpEpilogue,
  reportUsageError,
  secretValuesFrom,
  type LogFormat,
} from "@nbs/cli-kit";
import type { VerifyReport } from "@nbs/verify";
import { Writable } from "node:stream";
import yargs from "yargs";
import pkg from "../package.json" with { type: "json" };
import { LIST_ABOUT, RESTORE_ABOUT, dispatchOps, opsCommand } from "./ops-commands.js";
import { LIST_SETTINGS } from "./list-settings.js";
import { RESTORE_SETTINGS } from "./restore-settings.js";
import { VERIFY_SETTINGS, resolveVerifySettings } from "./settings.js";

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
}

const USAGE = [
  "$0 --s3-uri s3://<bucket>/<key> [--mode checksum|check|load] [options]",
  "$0 --latest --bucket <bucket> --prefix <prefix> [--db <db>] [options]",
  "$0 --file <dump> [options]",
  "$0 list [--prefix <prefix>] [--db <db>] [--all] [--json]",
  "$0 restore --latest|--s3-uri <uri>|--file <dump> --db <db> --neo4j-home <dir> --neo4j-uri <bolt> [--force] [--dry-run]",
].join("\n");

/** Parse, resolve configuration once, run the verification, return its exit code. Never exits. */
export async function main(
  argv: string[],
  env: Record<string, string | undefined>,
  io: Io,
): Promise<number> {
  let args: Record<string, unknown>;
  try {
    const parser = yargs(argv)
      .scriptName("nbs-verify")
      .usage(USAGE)
      .command("list", "list the backups under the prefix, newest first", (y) =>
        addSettingOptions(y, LIST_SETTINGS).epilogue(helpEpilogue(LIST_ABOUT)),
      )
      .command(
        "restore",
        "restore a verified backup onto your Neo4j (stop, load, start, compare counts)",
        (y) => addSettingOptions(y, RESTORE_SETTINGS).epilogue(helpEpilogue(RESTORE_ABOUT)),
      )
      .command("$0", false, (y) => addSettingOptions(y, VERIFY_SETTINGS));
    args = await parseCommandLine(parser, {
      program: "nbs-verify",
      version: pkg.version,
      argv,
      about: `Download into a private temp workspace (hashing while streaming), compare sha256 and size with the .meta.json sidecar and the object's metadata, then optionally load into an EPHEMERAL Neo4j (own home, random ports; the installation is only borrowed) for a consistency check or counts and a smoke query.\n\nOutcomes: verified (exit 0) = the sha256 matched an independent record (the .meta.json sidecar, or --sha256) and every step passed; unverified (exit 5) = there was nothing to compare the sha256 with (a --file without <file>.meta.json and no --sha256). --latest takes the newest committed backup: if it is broken (an invalid sidecar, or a sidecar whose dump is gone), that is a failure (exit 5) naming it, never a fall-back to an older one; newer dumps without a sidecar (uploads still running) are ignored and listed as uncommitted. --mode load compares counts with the sidecar's stats unless the backup recorded them as inexact (writes landed between counting and the stop).\n\nnbs-verify: 5 = the bytes differ from the sidecar / --sha256 / object metadata, unverified, the sidecar is missing or invalid, the newest backup under --latest is broken, or --latest found no committed backup; 6 = the dump did not load, failed the check, counting failed, or its counts/smoke query disagree.`,
      columns: (io.stdout as NodeJS.WriteStream).columns,
    });
  } catch (error) {
    return reportUsageError("nbs-verify", error, io.stderr);
  }
  if (args["help"] === true || args["version"] === true) return ExitCode.OK;
  const flags = flagsFrom(args);
  const ops = opsCommand(args);
  if (ops) return dispatchOps(ops, flags, env, io);

  let resolved;
  try {
    const file = await readConfigFile(
      (flags["config"] as string | undefined) ?? env["NBS_CONFIG"],
      Object.keys(VERIFY_SETTINGS),
    );
    resolved = resolveVerifySettings(flags, env, file);
  } catch (error) {
    return reportUsageError("nbs-verify", error, io.stderr);
  }
  const { settings, origins } = resolved;
  const format: LogFormat = settings.logFormat ?? defaultLogFormat(io.stderr as NodeJS.WriteStream);
  const logger = createCliLogger({ format, verbose: settings.verbose, stream: io.stderr, env });
  logger.log("debug", "config.resolved", { origins });
  const tty = (io.stderr as NodeJS.WriteStream).isTTY
    ? (io.stderr as NodeJS.WriteStream)
    : undefined;
  let report: VerifyReport | undefined;
  const jsonOut = settings.json ? withReportOnFailure(io.stdout, () => report, env) : undefined;
  return runCommand({ logger, event: "verify.result", jsonOut, env }, async (signal) => {
    const { runVerify } = await import("./verify.js");
    return runVerify(settings, {
      logger,
      env,
      signal,
      ...(tty ? { tty } : {}),
      onReport: (r) => (report = r),
    });
  });
}

/**
 * runCommand prints `{ ok: false, error }` on failure; a CI job reading `--json` also wants the
 * report (which checks failed, expected vs actual). This adds it, redacted the same way.
 */
function withReportOnFailure(
  out: NodeJS.WritableStream,
  report: () => VerifyReport | undefined,
  env: Record<string, string | undefined>,
): Writable {
  const redact = createRedactor(secretValuesFrom(env));
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      const doc = JSON.parse(chunk.toString("utf8")) as Record<string, unknown>;
      const r = report();
      const text =
        doc["ok"] === false && r
          ? `${JSON.stringify({ ...doc, report: redactValue(r, redact) }, null, 2)}\n`
          : chunk.toString("utf8");
      out.write(text, () => done());
    },
  });
}
