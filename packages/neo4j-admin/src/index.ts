export {
  buildCheckCommand,
  buildDumpCommand,
  buildDumpToStdoutCommand,
  buildLoadCommand,
  buildSetInitialPasswordCommand,
  dumpFileName,
} from "./commands.js";
export { dumpDatabase, utcStamp } from "./dump-database.js";
export type {
  CountingProvenance,
  DumpDatabaseOptions,
  DumpDatabaseResult,
} from "./dump-database.js";
export { dumpDatabaseToStream } from "./dump-to-stream.js";
export type {
  DumpStream,
  DumpToStreamOptions,
  DumpToStreamResult,
  StreamedDumpInfo,
} from "./dump-to-stream.js";
export { DUMP_HEADER_BYTES, detectDumpFormat } from "./dump-format.js";
export type { DumpCompression, DumpFormat, DumpKind } from "./dump-format.js";
export { renderEphemeralConf } from "./ephemeral-conf.js";
export type { EphemeralConfInput } from "./ephemeral-conf.js";
export { EPHEMERAL_MARKER, assertEphemeralHome } from "./ephemeral-home.js";
export { createEphemeralInstance } from "./ephemeral.js";
export type { DriverFactory, EphemeralInstance, EphemeralInstanceOptions } from "./ephemeral.js";
export { Neo4jCommandError } from "./errors.js";
export type { Neo4jCommandErrorDetails } from "./errors.js";
export { adminCommand, serverCommand } from "./installation.js";
export type { Neo4jCommand, Neo4jInstallation } from "./installation.js";
export { detectEdition, locateNeo4j } from "./locate.js";
export type { LocateNeo4jOptions } from "./locate.js";
export { findFreePort } from "./ports.js";
export { redactArgs, redactText } from "./redact.js";
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
export { captureStats, escapeName } from "./stats.js";
export type { GraphStats } from "./stats.js";
export { parseNeo4jVersion } from "./version.js";
export type { CommandFamily, Neo4jEdition, Neo4jVersion } from "./version.js";
