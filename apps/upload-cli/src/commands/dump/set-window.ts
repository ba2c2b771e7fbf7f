import type { CliLogger } from "@nbs/cli-kit";
import type { SetManifest, SetMember } from "@nbs/metadata";
import {
  dumpDatabaseSet,
  type DumpSetResult,
  type Neo4jEdition,
  type SetMemberInfo,
} from "@nbs/neo4j-admin";
import type { SetPlan } from "./deps.js";
import { TOOL_DUMP } from "../../tool.js";

/**
 * The plan's databases in ONE stop window, each through `dumpMember` (to a file or to S3). A
 * failed member leaves the set uncommitted (no manifest): logged so, and thrown.
 */
export function dumpSetWindow<T>(
  plan: SetPlan,
  logger: CliLogger,
  signal: AbortSignal,
  dumpMember: (member: SetMemberInfo) => Promise<T>,
): Promise<DumpSetResult<T>> {
  return dumpDatabaseSet({
    home: plan.inst.home,
    installation: plan.inst,
    service: plan.inst.service,
    dbs: plan.dbs,
    runner: plan.runner,
    now: () => plan.createdAt,
    signal,
    ...(plan.bolt ? { bolt: plan.bolt } : {}),
    dumpMember,
  }).catch((error: unknown) => {
    logger.log("error", "dump.set.incomplete", {
      set: plan.id,
      message: "a member failed: the set was not committed (no manifest); Neo4j was started again",
    });
    throw error;
  });
}

/** The Neo4j a sidecar or manifest names: its version, and its edition when known. */
export function neo4jOf(version: string, edition: Neo4jEdition): NonNullable<SetManifest["neo4j"]> {
  return { version, ...(edition === "unknown" ? {} : { edition }) };
}

/** The set's manifest, written last (the set's commit), naming every member. */
export function setManifestOf(
  plan: SetPlan,
  result: DumpSetResult<unknown>,
  createdBy: string,
  neo4j: NonNullable<SetManifest["neo4j"]>,
  members: SetMember[],
): SetManifest {
  return {
    schemaVersion: 1,
    kind: "nbs-set",
    id: plan.id,
    created_at: result.createdAt.replace(/\.\d{3}Z$/, "Z"),
    created_by: createdBy,
    tool: TOOL_DUMP,
    neo4j,
    ...(result.downtimeMs === undefined ? {} : { downtime_ms: result.downtimeMs }),
    members,
  };
}
