import { NbsError } from "@nbs/metadata";
import { kebab } from "./config.js";
import { ExitCode } from "./exit-codes.js";
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
      : new NbsError("USAGE", error instanceof Error ? error.message : String(error));
  stderr.write(`${program}: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ""}\n`);
  return ExitCode.USAGE;
}
