import { randomBytes } from "node:crypto";
import { homedir } from "node:os";
import neo4j, { type Driver } from "neo4j-driver";
import { answers, containersForced, resolveVars } from "./services-env.ts";
import {
  containerRuntimeAvailable,
  IntegServicesUnavailableError,
  noLocal,
} from "./unavailable.ts";

export const DEFAULT_NEO4J_VERSION = "5.26.30";

export interface Neo4jTestEnv {
  mode: "local" | "testcontainers";
  uri: string;
  httpUrl: string;
  username: string;
  password: string;
  /** Home of the local installation; undefined under testcontainers. */
  home?: string;
  version: string;
  /** A new driver; the caller closes it. */
  driver(): Driver;
}

const LOCAL_VARS = ["NEO4J_URI", "NEO4J_HTTP_URL", "NEO4J_PASSWORD"] as const;

let pending: Promise<Neo4jTestEnv> | undefined;

/**
 * The Neo4j for integration tests, resolved once per process: variables already in the
 * environment, else `.nbs/services.env` when Neo4j answers, else a Neo4j container when a
 * container runtime is reachable. Throws {@link IntegServicesUnavailableError} otherwise.
 */
export function getNeo4jTestEnv(): Promise<Neo4jTestEnv> {
  pending ??= resolveNeo4j();
  return pending;
}

/** The cached installation (`tooling/services/neo4j-install.sh`) of a Neo4j version. */
export function neo4jInstallDir(
  version: string = process.env["NEO4J_VERSION"] ?? DEFAULT_NEO4J_VERSION,
): string {
  const cache = process.env["NBS_CACHE_DIR"] ?? `${homedir()}/.cache/nbs`;
  return `${cache}/neo4j/${version}`;
}

/** True when the HTTP endpoint accepts these credentials for a trivial query. */
export function neo4jAnswers(
  httpUrl: string,
  username: string,
  password: string,
): Promise<boolean> {
  return answers(`${httpUrl}/db/neo4j/tx/commit`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ statements: [{ statement: "RETURN 1" }] }),
  });
}

async function resolveNeo4j(): Promise<Neo4jTestEnv> {
  const vars = containersForced() ? undefined : resolveVars(LOCAL_VARS);
  if (vars) {
    const username = vars["NEO4J_USERNAME"] ?? "neo4j";
    const [uri, httpUrl, password] = [
      vars["NEO4J_URI"]!,
      vars["NEO4J_HTTP_URL"]!,
      vars["NEO4J_PASSWORD"]!,
    ];
    if (await neo4jAnswers(httpUrl, username, password)) {
      return createNeo4jTestEnv({
        mode: "local",
        uri,
        httpUrl,
        username,
        password,
        home: vars["NEO4J_HOME"],
        version: vars["NEO4J_VERSION"] ?? DEFAULT_NEO4J_VERSION,
      });
    }
  }
  if (await containerRuntimeAvailable()) return startNeo4jContainer();
  throw new IntegServicesUnavailableError(
    vars ? `Neo4j at ${vars["NEO4J_HTTP_URL"]} does not answer` : noLocal("Neo4j"),
  );
}

async function startNeo4jContainer(): Promise<Neo4jTestEnv> {
  const { Neo4jContainer } = await import("@testcontainers/neo4j");
  const version = process.env["NEO4J_VERSION"] ?? DEFAULT_NEO4J_VERSION;
  const container = await new Neo4jContainer(`neo4j:${version}-community`)
    .withPassword(randomBytes(12).toString("hex"))
    .start();
  return createNeo4jTestEnv({
    mode: "testcontainers",
    uri: container.getBoltUri(),
    httpUrl: container.getHttpUri(),
    username: container.getUsername(),
    password: container.getPassword(),
    home: undefined,
    version,
  });
}

function createNeo4jTestEnv(settings: Omit<Neo4jTestEnv, "driver">): Neo4jTestEnv {
  return {
    ...settings,
    driver: () =>
      neo4j.driver(settings.uri, neo4j.auth.basic(settings.username, settings.password)),
  };
}
