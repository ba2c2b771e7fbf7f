import { NbsError } from "@nbs/errors";
import { isValidServiceName } from "@nbs/neo4j-admin";
import type { DumpSettings } from "./settings.js";

/** The Neo4j a dump stops: --neo4j-home is required, --neo4j-service a unit name systemctl takes. */
export function neo4jHomeOf(settings: Pick<DumpSettings, "neo4jHome" | "neo4jService">): string {
  if (!settings.neo4jHome)
    throw new NbsError("NEO4J_HOME_REQUIRED", "no Neo4j installation given", {
      hint: "pass --neo4j-home or set NEO4J_HOME",
    });
  if (settings.neo4jService !== undefined && !isValidServiceName(settings.neo4jService))
    throw new NbsError(
      "NEO4J_SERVICE_INVALID",
      `invalid systemd unit name ${JSON.stringify(settings.neo4jService)}`,
      { hint: "pass --neo4j-service as systemctl takes it, e.g. neo4j" },
    );
  return settings.neo4jHome;
}
