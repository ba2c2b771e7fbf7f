#!/usr/bin/env node
// Seeds a small known graph into the Neo4j at NEO4J_URI (NEO4J_USERNAME, NEO4J_PASSWORD) and
// prints the database's counts as one JSON line on stdout, in the shape of the `.meta.json`
// `stats` field. Idempotent (MERGE). `--reset` first deletes everything, so the counts are
// exactly the seed's: {"nodes":5,"relationships":4,...}.
//   usage: node tooling/testenv/bin/seed.js [--reset]
import neo4j from "neo4j-driver";

const SEED = `
MERGE (alice:Person {name: 'Alice'})
MERGE (bob:Person {name: 'Bob'})
MERGE (carol:Person {name: 'Carol'})
MERGE (acme:Company {name: 'Acme'})
MERGE (globex:Company {name: 'Globex'})
MERGE (alice)-[:WORKS_AT]->(acme)
MERGE (bob)-[:WORKS_AT]->(acme)
MERGE (carol)-[:WORKS_AT]->(globex)
MERGE (alice)-[:KNOWS]->(bob)`;

const { NEO4J_URI: uri, NEO4J_USERNAME: user = "neo4j", NEO4J_PASSWORD: password } = process.env;
if (!uri || !password) {
  process.stderr.write("seed: set NEO4J_URI and NEO4J_PASSWORD (source .nbs/services.env)\n");
  process.exit(2);
}

const driver = neo4j.driver(uri, neo4j.auth.basic(user, password));
try {
  if (process.argv.includes("--reset")) await driver.executeQuery("MATCH (n) DETACH DELETE n");
  await driver.executeQuery(SEED);
  const count = async (query) => (await driver.executeQuery(query)).records;
  const [totals] = await count(
    "CALL () { MATCH (n) RETURN count(n) AS nodes } CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships } RETURN nodes, relationships",
  );
  const labels = await count(
    "MATCH (n) UNWIND labels(n) AS l RETURN l AS name, count(*) AS c ORDER BY name",
  );
  const types = await count("MATCH ()-[r]->() RETURN type(r) AS name, count(*) AS c ORDER BY name");
  const byName = (records) =>
    Object.fromEntries(records.map((r) => [r.get("name"), r.get("c").toNumber()]));
  const stats = {
    nodes: totals.get("nodes").toNumber(),
    relationships: totals.get("relationships").toNumber(),
    labels: byName(labels),
    relationshipTypes: byName(types),
  };
  process.stdout.write(`${JSON.stringify(stats)}\n`);
} finally {
  await driver.close();
}
