import { pick } from "./config.js";

/**
 * One row of a CLI's settings table: it drives the flag, the environment names, the config key
 * and `--help`. `V` is what `parse` makes of a given value, `F` the default's type; the resolved
 * setting is `V | F` (see {@link SettingsOf}).
 */
export interface SettingSpec<V = unknown, F = unknown> {
  env: readonly string[];
  describe: string;
  type: "string" | "boolean" | "number";
  choices?: readonly string[];
  fallback: F;
  parse: (raw: unknown, what: string) => V;
  /** How `--help` shows the default, when JSON would be unfriendly (e.g. "16MiB"). */
  show?: string;
  /** The flag may be given several times; `parse` then gets the values joined with ",". */
  repeatable?: boolean;
}

export type SettingsTable = Record<string, SettingSpec>;

/**
 * The settings a table resolves to, derived from it: each key has its parser's return type or
 * its default's (`string | undefined` for a string without a default). The apps declare no
 * second, hand-written copy of their settings that could drift from the table.
 */
export type SettingsOf<T extends SettingsTable> = {
  -readonly [K in keyof T]: T[K] extends SettingSpec<infer V, infer F> ? V | F : never;
};

/** Resolve every setting of a table once: flag > environment (first name set wins) > config file > default. */
export function resolveSettings<T extends SettingsTable>(
  table: T,
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>,
  file: Record<string, unknown>,
): { settings: SettingsOf<T>; origins: Record<string, string> } {
  const settings: Record<string, unknown> = {};
  const origins: Record<string, string> = {};
  for (const [key, spec] of Object.entries(table)) {
    const envName = spec.env.find((name) => env[name] !== undefined && env[name] !== "");
    const source = {
      flag: flags[key],
      env: envName === undefined ? undefined : env[envName],
      file: file[key],
      fallback: spec.fallback,
    };
    const { value, origin } = pick(
      key,
      envName === undefined ? source : { ...source, envName },
      spec.parse,
    );
    settings[key] = value;
    origins[key] = origin;
  }
  // Each key was set from its own row's parser or default, which is what SettingsOf<T> says.
  return { settings: settings as SettingsOf<T>, origins };
}

/** The text yargs shows for a setting: its description, environment names and default. */
export function describeSetting(spec: SettingSpec): string {
  const env = spec.env.length > 0 ? ` [env: ${spec.env.join(", ")}]` : "";
  const fallback =
    spec.fallback === undefined || spec.fallback === false || spec.fallback === ""
      ? ""
      : ` [default: ${spec.show ?? JSON.stringify(spec.fallback)}]`;
  return `${spec.describe}${env}${fallback}`;
}
