import yargs from "yargs";
import {
  addSettingOptions,
  flagsFrom,
  helpEpilogue,
  parseCommandLine,
  reportUsageError,
} from "./command-line.js";
import { kebab, parseDuration, readConfigFile } from "./config.js";
import { createHealthcheck } from "./healthcheck.js";
import { ExitCode } from "./exit-codes.js";
import { createCliLogger, defaultLogFormat, type CliLogger, type LogFormat } from "./logger.js";
import type { RunMetrics } from "./metrics-settings.js";
import { runCommand, type FinishedRun, type JsonDocument, type Outcome } from "./run.js";
import type { SettingsTable } from "./settings.js";
import type { CliIo } from "./startup.js";

/** The settings the shell itself reads from every command's resolved settings. */
interface ShellSettings {
  verbose: boolean;
  logFormat: LogFormat | undefined;
  /** `undefined`: JSON when stdout is not a terminal (a catalogue); a table otherwise. */
  json: boolean | undefined;
}

type Resolve<S> = (
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>,
  file: Record<string, unknown>,
) => { settings: S; origins: Record<string, string> };

/** What a command's `run` gets besides its settings. */
interface CommandContext<K> {
  logger: CliLogger;
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C / SIGTERM: stop, clean up, and fail (reported as exit 130). */
  signal: AbortSignal;
  /** stderr when it is a terminal (for progress bars), else undefined. */
  tty: NodeJS.WriteStream | undefined;
  /** Where a command's own output goes (e.g. a table) when it prints no JSON document. */
  stdout: CliIo["stdout"];
  /** Whether the run ends in the `--json` document on stdout (then print nothing else there). */
  json: boolean;
  /** Keep what the work has so far, for `render` (e.g. a report to print even on failure). */
  keep: (kept: K) => void;
}

export interface CommandSpec<S extends ShellSettings, K> {
  /** The subcommand's name; also the final event's prefix (`<name>.result`). */
  name: string;
  /** One line for the program's `--help`. */
  describe: string;
  /** The settings table: flags, environment names, config-file keys and `--help`. */
  settings: SettingsTable;
  /** The table's settings resolved once (flag > env > config file > default) plus cross-field rules. */
  resolve: Resolve<S>;
  /** What the command does, shown in its `--help` above the precedence and exit codes. */
  about?: string;
  /** The work. Import its implementation lazily here, so `--help` and usage errors stay fast. */
  run: (settings: S, context: CommandContext<K>) => Promise<Outcome>;
  /** Last touch to the `--json` document (redacted after), with what `run` kept. */
  render?: (doc: JsonDocument, kept: K | undefined) => JsonDocument;
  /** The metrics the run reports when it ends (success or failure), and where they go; undefined: none. */
  metrics?: (settings: S, run: FinishedRun, kept: K | undefined) => RunMetrics | undefined;
  /** A scheduled kind of run (backup, verify, status): pings NBS_HEALTHCHECK_URL when it is set. */
  healthcheck?: boolean;
}

/** A command with its types sealed in, for {@link runCli}. */
export interface Command {
  readonly name: string;
  readonly describe: string;
  readonly settings: SettingsTable;
  readonly about: string | undefined;
  readonly healthcheck: boolean;
  /** Resolve the settings (throws NbsError on bad input), then ready the run. */
  prepare(
    flags: Record<string, unknown>,
    env: Record<string, string | undefined>,
    file: Record<string, unknown>,
  ): PreparedCommand;
}

interface PreparedCommand {
  settings: ShellSettings;
  origins: Record<string, string>;
  run(context: Omit<CommandContext<never>, "keep">): Promise<Outcome>;
  renderJson: ((doc: JsonDocument) => JsonDocument) | undefined;
  metrics: ((run: FinishedRun) => RunMetrics | undefined) | undefined;
}

/** Declare one command of a CLI; {@link runCli} parses, resolves, logs and runs it. */
export function defineCommand<S extends ShellSettings, K = never>(
  spec: CommandSpec<S, K>,
): Command {
  return {
    name: spec.name,
    describe: spec.describe,
    settings: spec.settings,
    about: spec.about,
    healthcheck: spec.healthcheck === true,
    prepare(flags, env, file) {
      const { settings, origins } = spec.resolve(flags, env, file);
      let kept: K | undefined;
      const keep = (value: K) => {
        kept = value;
      };
      const { render, metrics } = spec;
      return {
        settings,
        origins,
        run: (context) => spec.run(settings, { ...context, keep }),
        renderJson: render ? (doc) => render(doc, kept) : undefined,
        metrics: metrics ? (run) => metrics(settings, run, kept) : undefined,
      };
    },
  };
}

export interface CliOptions {
  /** The program's name, as in `nbs-upload: <problem>`. */
  program: string;
  version: string;
  /** yargs usage lines (`$0` is the program). */
  usage: string;
  /** The first is the default (run when no subcommand is named); a single one takes no subcommand. */
  commands: readonly [Command, ...Command[]];
  argv: string[];
  env: Record<string, string | undefined>;
  io: CliIo;
  /** From the bin entry (`startCli`): aborted on the first SIGINT/SIGTERM. */
  interrupt?: AbortSignal | undefined;
}

function isTty(stream: CliIo["stderr"] | CliIo["stdout"]): stream is NodeJS.WriteStream {
  return "isTTY" in stream && stream.isTTY === true;
}

/**
 * One CLI invocation: parse (strict, a repeated flag is a usage error, `--help` ending with the
 * exit codes), read the config file, resolve the chosen command's settings, create the redacting
 * logger and run the command through {@link runCommand}. Returns the exit code; never exits.
 */
export async function runCli(options: CliOptions): Promise<number> {
  const { program, commands, env, io } = options;
  const [fallback] = commands;
  let args: Record<string, unknown>;
  try {
    let parser = yargs(options.argv).scriptName(program).usage(options.usage);
    if (commands.length === 1) {
      parser = addSettingOptions(parser, fallback.settings);
    } else {
      // Each command's help ends with the exit codes too: yargs shows the program's epilogue
      // only in the program's help, where the hidden default command adds none of its own.
      for (const command of commands) {
        parser = parser.command(command.name, command.describe, (y) =>
          addSettingOptions(y, command.settings).epilogue(helpEpilogue(command.about)),
        );
      }
      parser = parser.command("$0", false, (y) => addSettingOptions(y, fallback.settings));
    }
    args = await parseCommandLine(parser, {
      program,
      version: options.version,
      argv: options.argv,
      repeatable: commands.flatMap((c) =>
        Object.entries(c.settings)
          .filter(([, spec]) => spec.repeatable === true)
          .map(([key]) => kebab(key)),
      ),
      ...(fallback.about ? { about: fallback.about } : {}),
      columns: io.stdout.columns,
      stdout: io.stdout,
    });
  } catch (error) {
    return reportUsageError(program, error, io.stderr);
  }
  if (args["help"] === true || args["version"] === true) return ExitCode.OK;
  const flags = flagsFrom(args);
  const first: unknown = Array.isArray(args["_"]) ? args["_"][0] : undefined;
  const command = commands.find((c) => commands.length > 1 && c.name === first) ?? fallback;

  let prepared: PreparedCommand;
  let healthcheckTimeoutMs: number | undefined;
  try {
    const timeout = env["NBS_HEALTHCHECK_TIMEOUT"];
    if (timeout !== undefined && timeout !== "")
      healthcheckTimeoutMs = parseDuration(timeout, "NBS_HEALTHCHECK_TIMEOUT");
    const config = flags["config"];
    const file = await readConfigFile(
      typeof config === "string" ? config : env["NBS_CONFIG"],
      Object.keys(command.settings),
    );
    prepared = command.prepare(flags, env, file);
  } catch (error) {
    return reportUsageError(program, error, io.stderr);
  }
  const { settings, origins } = prepared;
  const format = settings.logFormat ?? defaultLogFormat({ isTTY: isTty(io.stderr) });
  const logger = createCliLogger({ format, verbose: settings.verbose, stream: io.stderr, env });
  logger.log("debug", "config.resolved", { command: command.name, origins });
  const json = settings.json ?? !isTty(io.stdout);
  const healthcheckUrl = command.healthcheck ? env["NBS_HEALTHCHECK_URL"] : undefined;
  const healthcheck =
    healthcheckUrl === undefined || healthcheckUrl === ""
      ? undefined
      : createHealthcheck(
          {
            url: healthcheckUrl,
            what: `${program} ${command.name}`,
            ...(healthcheckTimeoutMs === undefined ? {} : { timeoutMs: healthcheckTimeoutMs }),
          },
          logger,
        );
  return runCommand(
    {
      logger,
      event: `${command.name}.result`,
      jsonOut: json ? io.stdout : undefined,
      env,
      interrupt: options.interrupt,
      renderJson: prepared.renderJson,
      healthcheck,
      afterRun: async (run) => {
        const metrics = prepared.metrics?.(run);
        if (metrics === undefined) return;
        // Loaded only when a run reports metrics: prom-client stays out of every other start.
        const { publishMetrics } = await import("./publish-metrics.js");
        await publishMetrics(metrics, logger);
      },
    },
    (signal) =>
      prepared.run({
        logger,
        env,
        signal,
        tty: isTty(io.stderr) ? io.stderr : undefined,
        stdout: io.stdout,
        json,
      }),
  );
}
