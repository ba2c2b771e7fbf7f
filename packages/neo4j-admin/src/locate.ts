import { constants } from "node:fs";
import { access, readdir, realpath } from "node:fs/promises";
import { delimiter, dirname, join } from "node:path";
import { NbsError } from "@nbs/errors";
import { shortLived, type Neo4jInstallation } from "./installation.js";
import { runNeo4jCommand } from "./run-command.js";
import type { ProcessRunner } from "./runner.js";
import { parseNeo4jVersion } from "./version.js";
import type { Neo4jEdition, Neo4jVersion } from "./version.js";

export interface LocateNeo4jOptions {
  /** An explicit NEO4J_HOME. Wins over `searchPath`. */
  home?: string;
  /** A PATH-style list (the caller's PATH) searched for `neo4j-admin`. */
  searchPath?: string;
  /** Where neo4j.conf lives. Default `<home>/conf`. */
  confDir?: string;
  runner: ProcessRunner;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** The systemd unit running it: the installation is then started and stopped through systemctl. */
  service?: string;
}

/**
 * Find a Neo4j installation and identify its version and edition. The version is the kernel
 * jar's (`lib/neo4j-kernel-<version>.jar`, what `neo4j-admin --version` reports, read without
 * starting a JVM); `neo4j-admin --version` is run only when lib/ holds no single kernel version.
 */
export async function locateNeo4j(options: LocateNeo4jOptions): Promise<Neo4jInstallation> {
  const home = options.home ?? (await homeFromSearchPath(options.searchPath ?? ""));
  await assertExecutable(join(home, "bin", "neo4j-admin"));
  const confDir = options.confDir ?? join(home, "conf");
  const jars = await readdir(join(home, "lib")).catch(() => [] as string[]);
  const version = await detectVersion(home, confDir, jars, options);
  const inst = { home, confDir, version, edition: detectEdition(jars) };
  return options.service === undefined ? inst : { ...inst, service: options.service };
}

async function homeFromSearchPath(searchPath: string): Promise<string> {
  for (const dir of searchPath.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, "neo4j-admin");
    if (await isExecutable(candidate)) return dirname(dirname(await realpath(candidate)));
  }
  throw new NbsError(
    "NEO4J_NOT_FOUND",
    "no Neo4j installation given and neo4j-admin is not on the search path",
    {
      hint: "pass the Neo4j home directory explicitly",
    },
  );
}

async function detectVersion(
  home: string,
  confDir: string,
  jars: readonly string[],
  options: LocateNeo4jOptions,
): Promise<Neo4jVersion> {
  const fromJar = kernelJarVersion(jars);
  if (fromJar !== undefined) return fromJar;
  const command = shortLived({
    file: join(home, "bin", "neo4j-admin"),
    args: ["--version"],
    env: { NEO4J_HOME: home, NEO4J_CONF: confDir },
    secrets: [],
  });
  const result = await runNeo4jCommand(options.runner, command, {
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? 120_000,
  });
  try {
    return parseNeo4jVersion(result.stdout);
  } catch (error) {
    // Some launchers print banners; the kernel jar name is the next best evidence.
    const kernel = jars.find((jar) => /^neo4j-kernel-\d/.test(jar));
    if (kernel === undefined) throw error;
    return parseNeo4jVersion(kernel);
  }
}

/**
 * The version named by the kernel jar, when lib/ holds exactly one kernel version (a
 * distribution ships one; leftovers of an upgrade make it ambiguous: ask neo4j-admin).
 */
function kernelJarVersion(jars: readonly string[]): Neo4jVersion | undefined {
  const versions = new Set(
    jars.flatMap((jar) => /^neo4j-kernel-(\d[^/]*)\.jar$/.exec(jar)?.[1] ?? []),
  );
  if (versions.size !== 1) return undefined;
  try {
    return parseNeo4jVersion([...versions][0]!);
  } catch {
    return undefined;
  }
}

/**
 * Enterprise distributions ship extra jars whose names carry "enterprise" (or, in older
 * releases, "commercial"); community has neither. Without a lib/ listing we cannot tell.
 */
export function detectEdition(jars: readonly string[]): Neo4jEdition {
  if (jars.length === 0) return "unknown";
  if (jars.some((jar) => /enterprise|commercial/i.test(jar))) return "enterprise";
  return jars.some((jar) => /^neo4j-(kernel-)?\d/.test(jar)) ? "community" : "unknown";
}

async function assertExecutable(file: string): Promise<void> {
  if (!(await isExecutable(file))) {
    throw new NbsError("NEO4J_HOME_INVALID", `${file} is missing or not executable`, {
      hint: "point at a Neo4j home directory (the one holding bin/, lib/ and conf/)",
    });
  }
}

async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}
