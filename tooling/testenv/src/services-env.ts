import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The repository root: this file lives at tooling/testenv/src/. */
export const repoRoot: string = fileURLToPath(new URL("../../../", import.meta.url));

const servicesEnvPath: string = `${repoRoot}.nbs/services.env`;

/**
 * The variables in `.nbs/services.env` (written by `pnpm services up`), or undefined when the
 * file is missing. Only `export NAME='value'` lines are understood; nothing is executed.
 */
function readServicesEnv(path: string = servicesEnvPath): Record<string, string> | undefined {
  if (!existsSync(path)) return undefined;
  const vars: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const match = /^export ([A-Z_][A-Z0-9_]*)='([^']*)'$/.exec(line.trim());
    if (match) vars[match[1]!] = match[2]!;
  }
  return vars;
}

/**
 * The variable set that provides all of `required`: this process's environment (as after
 * sourcing the file) wins over `.nbs/services.env`. Other variables come from the same source.
 */
export function resolveVars(
  required: readonly string[],
): Record<string, string | undefined> | undefined {
  const complete = (source: Record<string, string | undefined>): boolean =>
    required.every((name) => (source[name] ?? "") !== "");
  if (complete(process.env)) return process.env;
  const file = readServicesEnv();
  return file && complete(file) ? file : undefined;
}

export async function answers(url: string, init?: RequestInit): Promise<boolean> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(3000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
