import { pick } from "./config.js";

/** One row of a CLI's settings table: it drives the flag, the environment names, the config key and `--help`. */
export interface SettingSpec {
  env: readonly string[];
  describe: string;
  type: "string" | "boolean" | "number";
  choices?: readonly string[];
  fallback: unknown;
  parse: (raw: unknown, what: string) => unknown;
  /** How `--help` shows the default, when JSON would be unfriendly (e.g. "16MiB"). */
  show?: string;
}

export type SettingsTable = Record<string, SettingSpec>;

/** Resolve every setting of a table once: flag > environment (first name set wins) > config file > default. */
export function resolveSettings<T>(
  table: SettingsTable,
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>,
  file: Record<string, unknown>,
): { settings: T; origins: Record<string, string> } {
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
  return { settings: settings as T, origins };
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
