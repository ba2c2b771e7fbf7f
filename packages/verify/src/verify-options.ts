import type { S3Client } from "@aws-sdk/client-s3";
import type { DriverFactory, ProcessRunner, ServerProcesses } from "@nbs/neo4j-admin";
import type { SmokeQuery } from "./ephemeral-load.js";
import type { VerifyEventSink, VerifyProgress } from "./events.js";
import type { VerifyMode } from "./report.js";
import type { VerifySource } from "./source.js";

export interface VerifyOptions {
  source: VerifySource;
  mode: VerifyMode;
  /**
   * The sha256 of the stored bytes as recorded elsewhere (lowercase hex): compared in addition to
   * the sidecar, and the only reference for a local dump without one.
   */
  sha256?: string;
  /** Needed for S3 sources; built and owned by the caller. */
  client?: S3Client;
  /** Needed for `check` and `load`: runs neo4j-admin / neo4j of `installDir`. */
  runner?: ProcessRunner;
  /** A Neo4j installation to borrow bin/ and lib/ from; its own data is never touched. */
  installDir?: string;
  /** Builds the driver to the ephemeral instance (default: the real neo4j-driver). */
  driverFactory?: DriverFactory;
  /** Finds and kills the ephemeral server at cleanup (default: /proc on Linux). */
  serverProcesses?: ServerProcesses;
  /** The database name inside the ephemeral instance (default "neo4j"; Community serves one). */
  database?: string;
  smoke?: SmokeQuery;
  /** `load`: how long to wait for POPULATING indexes after the start (default 10 minutes). */
  indexTimeoutMs?: number;
  /** Parent of the private workspace (default: the OS temp directory). */
  workDir?: string;
  /** Leave the workspace (download, ephemeral home and its logs) in place for inspection. */
  keepWorkspace?: boolean;
  /** Resolve the source and describe the plan; nothing is downloaded. */
  dryRun?: boolean;
  signal?: AbortSignal;
  onEvent?: VerifyEventSink;
  onProgress?: (progress: VerifyProgress) => void;
  now?: () => number;
}
