import { NbsError } from "@nbs/errors";
import { isValidServiceName } from "@nbs/neo4j-admin";

/** `--neo4j-service` of restore and restore-set: a unit name systemctl takes, or a usage error. */
export function checkServiceName(service: string | undefined): void {
  if (service !== undefined && !isValidServiceName(service))
    throw new NbsError(
      "NEO4J_SERVICE_INVALID",
      `invalid systemd unit name ${JSON.stringify(service)}`,
      { hint: "pass --neo4j-service as systemctl takes it, e.g. neo4j" },
    );
}
