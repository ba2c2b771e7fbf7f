import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/**
 * The demo graph `bin/seed.js` seeds (the one seed: `dev.sh demo`, the backup workflow's dry run
 * and the integration suites), counted in the shape the sidecar's `stats` and the reports use.
 */
export const DEMO_GRAPH = {
  nodes: 5,
  relationships: 4,
  labels: { Company: 2, Person: 3 },
  relationship_types: { KNOWS: 1, WORKS_AT: 3 },
} as const;

const SEED = fileURLToPath(new URL("../bin/seed.js", import.meta.url));

/**
 * Seeds the demo graph into an EMPTY database (a fresh ephemeral Neo4j) with `bin/seed.js`, and
 * checks the database then holds exactly DEMO_GRAPH: a database that held data already fails here.
 */
export async function seedDemoGraph(neo4j: {
  uri: string;
  username: string;
  password: string;
}): Promise<void> {
  const { stdout } = await promisify(execFile)(process.execPath, [SEED], {
    env: {
      ...process.env,
      NEO4J_URI: neo4j.uri,
      NEO4J_USERNAME: neo4j.username,
      NEO4J_PASSWORD: neo4j.password,
    },
  });
  const seeded = JSON.parse(stdout) as {
    nodes: number;
    relationships: number;
    labels: Record<string, number>;
    relationshipTypes: Record<string, number>;
  };
  const counts = {
    nodes: seeded.nodes,
    relationships: seeded.relationships,
    labels: seeded.labels,
    relationship_types: seeded.relationshipTypes,
  };
  if (JSON.stringify(counts) !== JSON.stringify(DEMO_GRAPH))
    throw new Error(
      `seed.js left ${JSON.stringify(counts)}, not the demo graph ${JSON.stringify(DEMO_GRAPH)}: was the database empty?`,
    );
}
