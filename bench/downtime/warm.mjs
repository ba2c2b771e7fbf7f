// Brings a just-started Neo4j to the state of a server in service before a timed run: the read
// queries monitoring tools and Neo4j Browser send (labels, types, counts, SHOW INDEXES /
// CONSTRAINTS, dbms.components), three times each, so that their plans are compiled. Every mode
// runs after it; only nbs sends such queries during a run (its online counting), and on a server
// restarted seconds earlier their first planning alone took ~1 s (docs/benchmarks.md).
//   NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD; node warm.mjs
import { createRequire } from "node:module";

const require = createRequire(new URL("../../packages/neo4j-admin/package.json", import.meta.url));
const neo4j = require("neo4j-driver");
const driver = neo4j.driver(
  process.env.NEO4J_URI,
  neo4j.auth.basic(process.env.NEO4J_USERNAME ?? "neo4j", process.env.NEO4J_PASSWORD),
  { logging: { level: "error", logger: () => {} } },
);
const read = (cypher) => driver.executeQuery(cypher, {}, { database: "neo4j", routing: "READ" });
for (let i = 0; i < 3; i++) {
  const labels = (await read("CALL db.labels() YIELD label RETURN label AS name")).records;
  const types = (
    await read("CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType AS name")
  ).records;
  await Promise.all([
    read("MATCH (n) RETURN count(n) AS c"),
    read("MATCH ()-[r]->() RETURN count(r) AS c"),
    ...labels.map((r) => read(`MATCH (n:\`${r.get("name")}\`) RETURN count(n) AS c`)),
    ...types.map((r) => read(`MATCH ()-[r:\`${r.get("name")}\`]->() RETURN count(r) AS c`)),
    read("SHOW INDEXES YIELD *"),
    read("SHOW CONSTRAINTS YIELD *"),
    driver.executeQuery("CALL dbms.components() YIELD edition RETURN edition"),
  ]);
}
await driver.close();
