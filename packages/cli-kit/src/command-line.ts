import { NbsError } from "@nbs/errors";
import { kebab } from "./config.js";
import { EXIT_CODES_HELP, ExitCode } from "./exit-codes.js";
import { describeSetting, type SettingsTable } from "./settings.js";

interface OptionSink<T> {
  option(
    name: string,
    spec: { describe: string; type: "string" | "boolean"; choices?: string[] },
  ): T;
}

/** Declare every row of a settings table as a yargs option (numbers parse later, with units). */
export function addSettingOptions<T extends OptionSink<T>>(parser: T, table: SettingsTable): T {
  for (const [key, spec] of Object.entries(table)) {
    parser.option(kebab(key), {
      describe: describeSetting(spec),
      type: spec.type === "number" ? "string" : spec.type,
      ...(spec.choices ? { choices: [...spec.choices] } : {}),
    });
  }
  return parser;
}

/** The flags the user typed, by camelCase name (yargs also reports kebab-case aliases). */
export function flagsFrom(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(args).filter(([k]) => !k.includes("-") && k !== "_" && k !== "$0"),
  );
}

/** A bad command line or config: one line naming the problem, one with the fix, exit 2. */
export function reportUsageError(
  program: string,
  error: unknown,
  stderr: NodeJS.WritableStream,
): ExitCode {
  const e =
    error instanceof NbsError
      ? error
      : new NbsError("FLAG_INVALID", error instanceof Error ? error.message : String(error));
  stderr.write(`${program}: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ""}\n`);
  return ExitCode.USAGE;
}

/**
 * What every help text ends with: what the command does (optional), where settings come from,
 * the exit codes. yargs shows the program's epilogue only in the program's own help, so each
 * command sets it too (`.epilogue(helpEpilogue())` in its builder).
 */
export function helpEpilogue(about?: string): string {
  return [
    about,
    "Precedence: flag > environment > config file > default. Credentials come only from the AWS SDK's default chain (AWS_* variables, profiles, OIDC web identity); they are never flags and never logged.",
    EXIT_CODES_HELP,
  ]
    .filter(Boolean)
    .join("\n\n");
}

/** The part of a yargs parser both CLIs configure the same way. */
interface ParserTail<T> {
  option(name: "config", spec: { type: "string"; describe: string }): T;
  epilogue(text: string): T;
  strict(): T;
  exitProcess(enabled: boolean): T;
  fail(handler: (message: string, error: Error | undefined) => never): T;
  help(): T;
  version(version: string): T;
  wrap(columns: number): T;
  parseAsync(
    args: readonly string[],
    context: object,
    callback: (error: Error | undefined, argv: unknown, output: string) => void,
  ): Promise<Record<string, unknown>>;
}

export interface ParseOptions {
  program: string;
  /** The raw arguments the parser was made from, for the repeated-flag check. */
  argv: readonly string[];
  /** Flags (kebab-case) that may be given several times (settings marked `repeatable`). */
  repeatable?: readonly string[];
  version: string;
  /** What the command does, printed above the shared precedence and exit-code text. */
  about?: string;
  columns: number | undefined;
  /** Where `--help` and `--version` are printed (yargs would write to the process's stdout). */
  stdout: NodeJS.WritableStream;
}

/**
 * The flags given more than once in `argv` (`--prefix a --prefix=b`, `--json --no-json`,
 * `--dry-run --dryRun`), kebab-case, in order. yargs would silently join a repeated string into
 * `a,b` and let the last boolean win; only settings marked `repeatable` take several values.
 */
function repeatedFlags(argv: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const token of argv) {
    if (token === "--") break; // what follows is not flags
    if (!token.startsWith("--") || token.length === 2) continue;
    const name = kebab(token.slice(2).split("=", 1)[0]!).replace(/^no-/, "");
    if (seen.has(name)) repeated.add(name);
    seen.add(name);
  }
  return [...repeated];
}

/**
 * Finish a parser the nbs way (`--config`, strict flags, no process exit, usage errors as
 * NbsError with a hint, a flag given twice is a usage error) and parse. `--help`/`--version`
 * print on `options.stdout` and return `help`/`version: true`.
 */
export async function parseCommandLine<T extends ParserTail<T>>(
  parser: T,
  options: ParseOptions,
): Promise<Record<string, unknown>> {
  let output = "";
  const args = await parser
    .option("config", {
      type: "string",
      describe: "JSON config file (keys are the flag names in camelCase) [env: NBS_CONFIG]",
    })
    .epilogue(helpEpilogue(options.about))
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      throw (
        error ?? new NbsError("FLAG_INVALID", message, { hint: `see ${options.program} --help` })
      );
    })
    .help()
    .version(options.version)
    .wrap(Math.min(110, options.columns ?? 100))
    // With a callback, yargs hands over the help/version text instead of printing it.
    .parseAsync(options.argv, {}, (_error, _argv, text) => {
      output = text;
    });
  if (args["help"] === true || args["version"] === true) {
    options.stdout.write(`${output}\n`);
    return args;
  }
  const repeated = repeatedFlags(options.argv)
    .filter((name) => !options.repeatable?.includes(name))
    .map((name) => `--${name}`);
  if (repeated.length > 0) {
    throw new NbsError(
      "FLAG_REPEATED",
      `${repeated.join(", ")} ${repeated.length === 1 ? "was" : "were"} given more than once`,
      { hint: `give each flag once (nbs options take one value); see ${options.program} --help` },
    );
  }
  return args;
}
