import {
  locateNeo4j,
  readHomeConf,
  runNeo4jCommand,
  serverCommand,
  type DriverFactory,
  type Neo4jInstallation,
  type ProcessRunner,
} from "@nbs/neo4j-admin";
import {
  checkDumpVersion,
  checkFreeSpace,
  freeBytesAt,
  type RestorePreflight,
} from "./restore-preflight.js";
import { proveSameServer, type SameServerProof } from "./same-server.js";

export interface SetPreflightInput {
  neo4jHome: string;
  /** The systemd unit running it (`--neo4j-service`): its state asked through systemctl. */
  service?: string | undefined;
  runner: ProcessRunner;
  /** A new driver to the server at `uri` (the caller holds the credentials); closed after use. */
  connect: () => ReturnType<DriverFactory>;
  uri: string;
  /** The Neo4j version the set was taken with (its manifest's). */
  neo4jVersion?: string | undefined;
  /** The members' stored sizes, in bytes. */
  memberSizes: readonly number[];
  /** Free bytes where a directory is; default statfs. */
  freeBytes?: (dir: string) => Promise<number>;
  signal?: AbortSignal | undefined;
}

/** What the checks before the stop of a set restore found; in the report and the `--dry-run` plan. */
export interface SetPreflight {
  inst: Neo4jInstallation;
  running: boolean;
  server: SameServerProof;
  version: RestorePreflight["version"];
  space: RestorePreflight["space"];
}

/**
 * The guards of `nbs-verify restore` for a set, before anything is downloaded or stopped: the
 * set's Neo4j version is not newer than the target's (RESTORE_VERSION_INCOMPATIBLE), the data
 * directory holds 3× all the members (RESTORE_DISK_SPACE_LOW), and the Bolt URI is the server
 * of the home whose server is stopped (RESTORE_SERVER_MISMATCH / RESTORE_SERVER_UNPROVEN).
 */
export async function preflightRestoreSet(input: SetPreflightInput): Promise<SetPreflight> {
  const { runner, signal } = input;
  const inst = await locateNeo4j({
    home: input.neo4jHome,
    runner,
    ...(signal ? { signal } : {}),
    ...(input.service === undefined ? {} : { service: input.service }),
  });
  const version = checkDumpVersion(
    input.neo4jVersion === undefined ? undefined : { neo4j: { version: input.neo4jVersion } },
    inst,
  );
  const conf = await readHomeConf(inst);
  const total = input.memberSizes.reduce((a, b) => a + b, 0);
  const space = await checkFreeSpace(conf.dataDir, total, input.freeBytes ?? freeBytesAt);
  const status = await runNeo4jCommand(runner, serverCommand(inst, "status"), {
    signal,
    timeoutMs: 120_000,
    okExitCodes: [0, 3],
  });
  const running = status.exitCode === 0;
  const server = await proveSameServer({
    inst,
    conf,
    connect: input.connect,
    uri: input.uri,
    running,
  });
  return { inst, running, server, version, space };
}
