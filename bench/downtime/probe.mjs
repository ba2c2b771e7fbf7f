// Probes a Neo4j over Bolt every 100 ms (RETURN 1 in an auto-commit query, 1 s per probe) until
// SIGTERM, then prints one JSON line: when it last answered before the first failure, when it
// answered again after it, and the downtime between (ms). The same measure for every mode.
// With --wait: exits 0 as soon as it answers (1 after 10 minutes).
//   NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD; node probe.mjs [--wait]
import { createRequire } from "node:module";

const require = createRequire(new URL("../../packages/neo4j-admin/package.json", import.meta.url));
const neo4j = require("neo4j-driver");
const driver = neo4j.driver(
  process.env.NEO4J_URI,
  neo4j.auth.basic(process.env.NEO4J_USERNAME ?? "neo4j", process.env.NEO4J_PASSWORD),
  { logging: { level: "error", logger: () => {} } },
);
const waitOnly = process.argv.includes("--wait");
const waitUntil = Date.now() + 600_000;
let lastAnswer;
let downAt;
let backAt;
let stop = false;
process.on("SIGTERM", () => (stop = true));
while (!stop) {
  const sent = Date.now();
  const session = driver.session({ database: "neo4j" });
  let timer;
  const ok = await Promise.race([
    session.run("RETURN 1").then(
      () => true,
      () => false,
    ),
    new Promise((resolve) => (timer = setTimeout(() => resolve(false), 1000))),
  ]);
  clearTimeout(timer);
  void session.close().catch(() => undefined);
  if (waitOnly && (ok || Date.now() > waitUntil)) {
    await driver.close().catch(() => undefined);
    process.exit(ok ? 0 : 1);
  }
  if (ok && downAt !== undefined && backAt === undefined) backAt = Date.now();
  else if (ok && downAt === undefined) lastAnswer = Date.now();
  else if (!ok && downAt === undefined) downAt = lastAnswer ?? sent;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
console.log(
  JSON.stringify({
    down_at: downAt ?? null,
    back_at: backAt ?? null,
    downtime_ms: downAt !== undefined && backAt !== undefined ? backAt - downAt : null,
  }),
);
await driver.close().catch(() => undefined);
process.exit(0);
