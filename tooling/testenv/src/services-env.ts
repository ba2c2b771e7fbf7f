import { existsSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { rootCertificates } from "node:tls";
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
 * True when `NBS_TESTENV=containers`: MinIO, Neo4j and versitygw come from containers even when
 * local services answer (the Testcontainers leg of `.ci/run`, on the podman socket).
 */
export function containersForced(): boolean {
  return process.env["NBS_TESTENV"] === "containers";
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

export interface ProbeOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** PEM of extra CAs trusted for https, on top of Node's built-in roots. */
  ca?: string;
}

/**
 * True when `url` answers 2xx within 3 s. Over https the certificate is verified, against
 * Node's built-in roots plus `options.ca` (the local MinIO's private CA).
 */
export function answers(url: string, options: ProbeOptions = {}): Promise<boolean> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve(false);
      return;
    }
    const tls = target.protocol === "https:";
    if (!tls && target.protocol !== "http:") {
      resolve(false);
      return;
    }
    const request = (tls ? httpsRequest : httpRequest)(
      target,
      {
        method: options.method ?? "GET",
        headers: options.headers ?? {},
        agent: false,
        signal: AbortSignal.timeout(3000),
        ...(tls && options.ca !== undefined ? { ca: [...rootCertificates, options.ca] } : {}),
      },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        resolve(status >= 200 && status < 300);
      },
    );
    request.on("error", () => resolve(false));
    request.end(options.body);
  });
}
