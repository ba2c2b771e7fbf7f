import { join } from "node:path";
import type { Neo4jEdition, Neo4jVersion } from "./version.js";

/** A located and identified Neo4j installation (a home with bin/, lib/, conf/). */
export interface Neo4jInstallation {
  home: string;
  /** Directory holding neo4j.conf; passed to every command as NEO4J_CONF. */
  confDir: string;
  version: Neo4jVersion;
  edition: Neo4jEdition;
  /** The systemd unit that runs it (`--neo4j-service`): started and stopped through systemctl. */
  service?: string;
}

/** A process to run: built by the pure command builders, executed by a ProcessRunner. */
export interface Neo4jCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
  /** Values to mask wherever this command is shown (errors, logs). */
  secrets: string[];
  /** JVM flags for both of its JVMs, before every other (RunOptions.jvmFlags). */
  jvmFlags?: readonly string[];
}

/**
 * For a `neo4j-admin` call that only reads metadata and exits within seconds (`database info`,
 * `dbms set-initial-password`, `--version`): compile with C1 only. The
 * C2 compiler never pays off in a JVM that lives a few seconds (docs/ci-time.md). No collector is
 * chosen: a second GC flag beside an operator's (Neo4j's default neo4j.conf selects G1 for its
 * tools too) stops the JVM. Never for dump, load, check, import or the server.
 */
export const SHORT_LIVED_JVM_FLAGS: readonly string[] = ["-XX:TieredStopAtLevel=1"];

/** `command` run with {@link SHORT_LIVED_JVM_FLAGS}. */
export function shortLived(command: Neo4jCommand): Neo4jCommand {
  return { ...command, jvmFlags: SHORT_LIVED_JVM_FLAGS };
}

export function adminCommand(
  installation: Neo4jInstallation,
  args: string[],
  secrets: string[] = [],
): Neo4jCommand {
  return {
    file: join(installation.home, "bin", "neo4j-admin"),
    args,
    env: commandEnv(installation),
    secrets,
  };
}

export function serverCommand(
  installation: Neo4jInstallation,
  action: "start" | "stop" | "status",
): Neo4jCommand {
  if (installation.service !== undefined) return systemctlCommand(installation.service, action);
  return {
    file: join(installation.home, "bin", "neo4j"),
    args: [action],
    env: commandEnv(installation),
    secrets: [],
  };
}

/** What serverCommand runs for an action: `bin/neo4j` or, for a systemd unit, `systemctl`. */
type ServerAction = "start" | "stop" | "status";

/**
 * `systemctl` for a Neo4j run by systemd (the Debian and RPM packages' `neo4j` unit). Its exit
 * codes match `bin/neo4j`'s where nbs reads them: `is-active` exits 0 when the unit runs and 3
 * when it does not (inactive, failed), as `neo4j status` exits 0 or 3. `stop` waits until the
 * unit stopped; `start` returns once systemd started it (Type=simple: not yet answering, so
 * the callers wait for Bolt when they can). The unit's own environment, not NEO4J_HOME, decides
 * what runs; nbs hands systemctl no variable of its own.
 */
function systemctlCommand(service: string, action: ServerAction): Neo4jCommand {
  return {
    file: "systemctl",
    args: action === "status" ? ["is-active", "--quiet", service] : [action, service],
    env: {},
    secrets: [],
  };
}

// Always explicit: an inherited NEO4J_CONF could otherwise point a command at another instance.
function commandEnv(installation: Neo4jInstallation): Record<string, string> {
  return { NEO4J_HOME: installation.home, NEO4J_CONF: installation.confDir };
}
