// The plain commands' Bolt side, timed in one process (its own start-up is not counted, which
// favours the plain baseline): wait until the database answers `RETURN 1` (what "started" means
// for a user), then the count queries a user would run, then the schema.
//   NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD; node query.mjs [--db neo4j] [--setup]
// Prints one JSON line: { wait_ms, counts_ms, schema_ms, nodes, relationships, indexes, constraints }.
// --setup (once, when the graph is generated): create the benchmark's uniqueness constraint and
// wait for its index, so that the dump carries a schema to compare.
import { createRequire } from "node:module";

const require = createRequire(new URL("../../packages/neo4j-admin/package.json", import.meta.url));
const neo4j = require("neo4j-driver");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const database = arg("--db", "neo4j");
const driver = neo4j.driver(
  process.env.NEO4J_URI,
  neo4j.auth.basic(process.env.NEO4J_USERNAME ?? "neo4j", process.env.NEO4J_PASSWORD),
  { logging: { level: "error", logger: () => {} } },
);
const run = (cypher) => driver.executeQuery(cypher, {}, { database, routing: "READ" });
const now = () => performance.now();

const t0 = now();
for (let deadline = Date.now() + 600_000; ;) {
  try {
    await run("RETURN 1");
    break;
  } catch (error) {
    if (Date.now() > deadline) throw error;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
const t1 = now();
if (process.argv.includes("--setup")) {
  await driver.executeQuery(
    "CREATE CONSTRAINT item_id IF NOT EXISTS FOR (n:Item) REQUIRE n.id IS UNIQUE",
    {},
    { database },
  );
  await driver.executeQuery("CALL db.awaitIndexes(600)", {}, { database });
}
const t2 = now();
const nodes = (await run("MATCH (n) RETURN count(n) AS c")).records[0].get("c").toNumber();
const relationships = (await run("MATCH ()-[r]->() RETURN count(r) AS c")).records[0]
  .get("c")
  .toNumber();
const t3 = now();
const indexes = (await run("SHOW INDEXES")).records.length;
const constraints = (await run("SHOW CONSTRAINTS")).records.length;
const t4 = now();
await driver.close();
const ms = (a, b) => Math.round(b - a);
console.log(
  JSON.stringify({
    wait_ms: ms(t0, t1),
    counts_ms: ms(t2, t3),
    schema_ms: ms(t3, t4),
    nodes,
    relationships,
    indexes,
    constraints,
  }),
);
