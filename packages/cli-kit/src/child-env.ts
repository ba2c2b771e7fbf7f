import { SECRET_ENV_VARS } from "./redact.js";

/**
 * Names of variables that hold (or lead to) a credential: every AWS_* (keys, session tokens,
 * web-identity token files, profiles), and anything named like a password, secret, token,
 * webhook or key — NEO4J_PASSWORD, NBS_NOTIFY_WEBHOOK, ACTIONS_ID_TOKEN_REQUEST_TOKEN…
 */
const CREDENTIAL_NAME =
  /^AWS_|PASSWORD|PASSWD|SECRET|TOKEN|WEBHOOK|CREDENTIAL|ACCESS_KEY|PRIVATE_KEY|(^|_)AUTH$/i;

/**
 * The environment for Neo4j's processes (`neo4j start`, `neo4j-admin`): everything they need
 * (PATH, JAVA_HOME, NEO4J_*), no credential. A Neo4j started by nbs outlives the run, and a
 * process's environment is readable by its user for as long as it runs (/proc/<pid>/environ).
 */
export function withoutCredentials(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  const secret = new Set<string>(SECRET_ENV_VARS);
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !secret.has(name) && !CREDENTIAL_NAME.test(name)),
  );
}
