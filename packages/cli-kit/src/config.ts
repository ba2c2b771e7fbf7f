import { readFile } from "node:fs/promises";
import { NbsError } from "@nbs/errors";

/** Where a configurable value may come from, highest precedence first (docs/architecture.md §6). */
export interface SettingSource<T> {
  flag: T | undefined;
  env: string | undefined;
  /** Name of the variable `env` came from, for error messages. */
  envName?: string;
  file: unknown;
  fallback: T;
}

/** Read a JSON config file (`--config` / NBS_CONFIG); keys are the long flag names in camelCase. */
export async function readConfigFile(
  path: string | undefined,
  allowed: readonly string[],
): Promise<Record<string, unknown>> {
  if (path === undefined || path === "") return {};
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new NbsError(
      "CONFIG_FILE_UNREADABLE",
      `cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        hint: "pass an existing JSON file with --config, or unset NBS_CONFIG",
      },
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new NbsError(
      "CONFIG_FILE_INVALID",
      `config file ${path} is not valid JSON: ${(error as Error).message}`,
      { hint: "fix the JSON syntax" },
    );
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new NbsError("CONFIG_FILE_INVALID", `config file ${path} must hold a JSON object`, {
      hint: 'e.g. { "bucket": "my-backups" }',
    });
  }
  const unknown = Object.keys(doc).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new NbsError(
      "CONFIG_FILE_INVALID",
      `config file ${path} has unknown keys: ${unknown.join(", ")}`,
      {
        hint: `allowed keys: ${allowed.join(", ")}`,
      },
    );
  }
  return doc as Record<string, unknown>;
}

/** Resolve one setting: flag > environment > config file > default, with the source for `--verbose`. */
export function pick<T>(
  name: string,
  source: SettingSource<T>,
  parse: (raw: unknown, origin: string) => T,
): { value: T; origin: string } {
  if (source.flag !== undefined)
    return { value: parse(source.flag, `--${kebab(name)}`), origin: "flag" };
  if (source.env !== undefined && source.env !== "")
    return { value: parse(source.env, source.envName ?? "environment"), origin: "env" };
  if (source.file !== undefined)
    return { value: parse(source.file, "config file"), origin: "file" };
  return { value: source.fallback, origin: "default" };
}

export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i;
const FACTOR: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** "16MiB", "64m", "8388608" → bytes (binary units). */
export function parseSize(raw: unknown, what: string): number {
  const m = SIZE.exec(String(raw).trim());
  if (!m)
    throw new NbsError("SETTING_INVALID", `invalid size ${JSON.stringify(raw)} for ${what}`, {
      hint: "use bytes or a unit: 16MiB, 64M, 1GiB",
    });
  return Math.round(Number(m[1]) * FACTOR[(m[2] ?? "b").toLowerCase()]!);
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/i;
const DURATION_FACTOR: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** "15s", "500ms", "2m", "15" (seconds) → milliseconds; zero is refused (it would mean no bound). */
export function parseDuration(raw: unknown, what: string): number {
  const m = DURATION.exec(String(raw).trim());
  const ms = m ? Math.round(Number(m[1]) * DURATION_FACTOR[(m[2] ?? "s").toLowerCase()]!) : 0;
  if (ms < 1)
    throw new NbsError("SETTING_INVALID", `invalid duration ${JSON.stringify(raw)} for ${what}`, {
      hint: "use seconds or a unit, more than zero: 15, 15s, 500ms, 2m",
    });
  return ms;
}

export function parseBool(raw: unknown, what: string): boolean {
  if (typeof raw === "boolean") return raw;
  const s = String(raw).trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(s)) return true;
  if (["0", "false", "no", "off", ""].includes(s)) return false;
  throw new NbsError("SETTING_INVALID", `invalid boolean ${JSON.stringify(raw)} for ${what}`, {
    hint: "use true or false",
  });
}

export function parsePositiveInt(raw: unknown, what: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new NbsError(
      "SETTING_INVALID",
      `${what} must be a positive integer, got ${JSON.stringify(raw)}`,
      {
        hint: "e.g. 4",
      },
    );
  return n;
}

export function parseChoice<T extends string>(choices: readonly T[]) {
  return (raw: unknown, what: string): T => {
    const s = String(raw) as T;
    if (!choices.includes(s))
      throw new NbsError("SETTING_INVALID", `invalid value ${JSON.stringify(raw)} for ${what}`, {
        hint: `choose one of: ${choices.join(", ")}`,
      });
    return s;
  };
}

export const parseString = (raw: unknown): string => String(raw);
