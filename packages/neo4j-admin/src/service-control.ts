import type { Neo4jInstallation } from "./installation.js";

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
