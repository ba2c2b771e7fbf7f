// The public API: what apps and other packages use, and the types their signatures name.
// Everything else (command builders, conf rendering, redaction, ports, version parsing) is
// internal; tests import it from its module. etc/neo4j-admin.api.md is the reviewed report.
export { dumpDatabase } from "./dump-database.js";
export { databaseStoreBytes } from "./snapshot.js";
export type { SnapshotMethod, SnapshotMode, SnapshotOptions } from "./snapshot.js";
export type { DumpDatabaseResult } from "./dump-database.js";
export type { DumpDatabaseOptions } from "./dump-steps.js";
export type { DumpStepName, DumpStepTiming, OnDumpStep } from "./dump-timing.js";
export type { BoltConnection } from "./bolt.js";
export { dumpDatabaseSet } from "./dump-set.js";
export type { DumpSetOptions, DumpSetResult, SetMemberInfo } from "./dump-set.js";
export { listOnlineDatabases } from "./online-databases.js";
export { loadDatabaseSet } from "./load-set.js";
export type { LoadSetOptions, LoadSetResult } from "./load-set.js";
export { detectDumpFormat } from "./dump-format.js";
export { countNodes, loadDatabase } from "./load-database.js";
export type { LoadDatabaseOptions, LoadDatabaseResult } from "./load-database.js";
export { dumpDatabaseToStream } from "./dump-to-stream.js";
export type {
  DumpStream,
  DumpToStreamOptions,
  DumpToStreamResult,
  StreamedDumpInfo,
} from "./dump-to-stream.js";
export type { DumpCompression, DumpFormat, DumpKind } from "./dump-format.js";
export { readHomeConf } from "./home-conf.js";
export type { HomeConf } from "./home-conf.js";
export { askServerDirectories } from "./server-identity.js";
export type { ServerDirectories } from "./server-identity.js";
export { dumpStoppedDatabase, loadStoppedDatabase } from "./safety-copy.js";
export type { OfflineCopyOptions } from "./safety-copy.js";
export { createEphemeralInstance } from "./ephemeral.js";
export type { DriverFactory, EphemeralInstance, EphemeralInstanceOptions } from "./ephemeral.js";
export { Neo4jCommandError } from "./errors.js";
export type { Neo4jCommandErrorDetails } from "./errors.js";
export { serverCommand } from "./installation.js";
export type { Neo4jCommand, Neo4jInstallation } from "./installation.js";
export { locateNeo4j } from "./locate.js";
export { isValidServiceName } from "./service-control.js";
export type { LocateNeo4jOptions } from "./locate.js";
export type { ServerProcesses } from "./server-processes.js";
export { serverRunning } from "./server-running.js";
export type { ServerRunningOptions } from "./server-running.js";
export { runNeo4jCommand } from "./run-command.js";
export type { RunCommandOptions } from "./run-command.js";
export type {
  ProcessRunner,
  RunOptions,
  RunResult,
  StreamExit,
  StreamingProcess,
} from "./runner.js";
export { createSpawnRunner } from "./spawn-runner.js";
export type { SpawnRunnerOptions } from "./spawn-runner.js";
export { captureSchema, captureStats } from "./stats.js";
export { waitForIndexes } from "./index-states.js";
export type { IndexesSettled, IndexState, WaitForIndexesOptions } from "./index-states.js";
export { storeTransactionId } from "./transaction-id.js";
export type { CommandFamily, Neo4jEdition, Neo4jVersion } from "./version.js";
