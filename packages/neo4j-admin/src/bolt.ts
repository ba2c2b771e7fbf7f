import neo4j from "neo4j-driver";
import type { Driver } from "neo4j-driver";

/** Where and as whom to reach a running Neo4j over Bolt. The password is never logged or echoed. */
export interface BoltConnection {
  /** e.g. `bolt://127.0.0.1:7687` or `neo4j+s://db.example.com`. */
  uri: string;
  user: string;
  password: string;
}

/** A driver for `connection`, with the driver's own logging silenced; the caller closes it. */
export function connectBolt(connection: BoltConnection): Driver {
  return neo4j.driver(connection.uri, neo4j.auth.basic(connection.user, connection.password), {
    logging: { level: "error", logger: () => {} },
  });
}
