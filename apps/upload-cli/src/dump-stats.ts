import type { CountingProvenance, GraphStats } from "@nbs/neo4j-admin";

/** The sidecar's `stats` from what the dump step counted (undefined when it counted nothing). */
export function sidecarStats(result: {
  stats: GraphStats | undefined;
  counting?: CountingProvenance | undefined;
}) {
  if (!result.stats) return undefined;
  return {
    nodes: result.stats.nodes,
    relationships: result.stats.relationships,
    labels: result.stats.labels,
    relationship_types: result.stats.relationshipTypes,
    exact: result.counting?.exact,
    counted_at_tx: result.counting?.countedAtTx,
    dumped_at_tx: result.counting?.dumpedAtTx,
  };
}
