import type { Neo4jCommand, Neo4jInstallation } from "./installation.js";

/** What serverCommand runs for an action: `bin/neo4j` or, for a systemd unit, `systemctl`. */
export type ServerAction = "start" | "stop" | "status";

/**
 * `systemctl` for a Neo4j run by systemd (the Debian and RPM packages' `neo4j` unit). Its exit
 * codes match `bin/neo4j`'s where nbs reads them: `is-active` exits 0 when the unit runs and 3
 * when it does not (inactive, failed), as `neo4j status` exits 0 or 3. `stop` waits until the
 * unit stopped; `start` returns once systemd started it (Type=simple: not yet answering, so
 * the callers wait for Bolt when they can). The unit's own environment, not NEO4J_HOME, decides
 * what runs; nbs hands systemctl no variable of its own.
 */
export function systemctlCommand(service: string, action: ServerAction): Neo4jCommand {
  return {
    file: "systemctl",
    args: action === "status" ? ["is-active", "--quiet", service] : [action, service],
    env: {},
    secrets: [],
  };
}

/** How to start the server by hand, for the hints of errors that left it down. */
export function manualStart(inst: Pick<Neo4jInstallation, "home" | "service">): string {
  return inst.service === undefined
    ? `${inst.home}/bin/neo4j start`
    : `systemctl start ${inst.service}`;
}

/** A systemd unit name as `systemctl` takes it (no option, no path, no space). */
export function isValidServiceName(name: string): boolean {
  return /^[A-Za-z0-9:_.@\\-]+$/.test(name) && !name.startsWith("-");
}
