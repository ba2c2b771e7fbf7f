import type { CliLogger } from "@nbs/cli-kit";
import type { Neo4jInstallation, ProcessRunner } from "@nbs/neo4j-admin";

/** What every `nbs-upload dump` path gets from the command line: its logger, env and signal. */
export interface DumpDeps {
  logger: CliLogger;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
}

/** What both set paths (file and `--to-s3`) share, resolved before anything is stopped. */
export interface SetPlan {
  dbs: string[];
  /** The window's time, whole seconds: every member's key and the manifest are named by it. */
  createdAt: Date;
  id: string;
  runner: ProcessRunner;
  inst: Neo4jInstallation;
  bolt: { uri: string; user: string; password: string } | undefined;
}
