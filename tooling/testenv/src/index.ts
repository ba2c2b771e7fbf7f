export { getS3TestEnv } from "./s3.ts";
export { keysUnder } from "./s3-keys.ts";
export type { S3StoreTestEnv, S3TestEnv } from "./s3-store-env.ts";
export { getVersitygwTestEnv } from "./versitygw.ts";
export {
  DEFAULT_NEO4J_VERSION,
  getNeo4jTestEnv,
  neo4jInstallDir,
  type Neo4jTestEnv,
} from "./neo4j.ts";
export {
  createEphemeralNeo4j,
  type EphemeralNeo4j,
  type EphemeralNeo4jOptions,
} from "./ephemeral-neo4j.ts";
export { describeInteg, integEnabled } from "./integ.ts";
export { IntegServicesUnavailableError } from "./unavailable.ts";
export { getToxiproxy } from "./toxiproxy.ts";
export type { ToxiProxy, Toxic, ToxiproxyServer } from "./toxiproxy.ts";
export { describeReadmeExample } from "./readme-example.ts";
export { DEMO_GRAPH, seedDemoGraph } from "./demo-graph.ts";
