export { EXIT_CODES_HELP, ExitCode, exitCodeFor } from "./exit-codes.js";
export { createCliLogger, defaultLogFormat } from "./logger.js";
export type { CliLogger, CliLoggerOptions, Level, LogFormat } from "./logger.js";
export {
  REDACTED,
  SECRET_ENV_VARS,
  createRedactor,
  redactValue,
  secretValuesFrom,
} from "./redact.js";
export { withoutCredentials } from "./child-env.js";
export { createProgress, formatBytes } from "./progress.js";
export type { ProgressOptions } from "./progress.js";
export {
  kebab,
  parseBool,
  parseChoice,
  parseDuration,
  parsePositiveInt,
  parseSize,
  parseString,
  pick,
  readConfigFile,
} from "./config.js";
export type { SettingSource } from "./config.js";
export { runCommand } from "./run.js";
export type { FinishedRun, JsonDocument, Outcome, RunOptions } from "./run.js";
export { METRICS } from "./metrics.js";
export type { MetricGroup, MetricName, MetricSample } from "./metrics.js";
export { METRICS_SETTINGS } from "./metrics-settings.js";
export type { MetricsSettings, RunMetrics } from "./metrics-settings.js";
export { attemptSamples } from "./run-metrics.js";
export { defineCommand, runCli } from "./shell.js";
export type { CliOptions, Command, CommandContext, CommandSpec } from "./shell.js";
export type { CliIo, CliMain } from "./startup.js";
export { describeSetting, resolveSettings } from "./settings.js";
export type { SettingSpec, SettingsOf, SettingsTable } from "./settings.js";
export {
  DEFAULT_DEAD_SERVER_BOUND_S,
  LOG_SETTINGS,
  S3_CONNECTION_SETTINGS,
  s3ClientOptions,
  setting,
  withEndpointRegion,
} from "./common-settings.js";
export type { LogSettings, RequestChecksum, S3ConnectionSettings } from "./common-settings.js";
export {
  addSettingOptions,
  flagsFrom,
  helpEpilogue,
  parseCommandLine,
  reportUsageError,
} from "./command-line.js";
export type { ParseOptions } from "./command-line.js";
export { SSE_SETTINGS, applyKmsKey } from "./sse-settings.js";
export type { Sse } from "./sse-settings.js";
export { neo4jServerSettings } from "./neo4j-settings.js";
export { bucketSettings, checkDb, requireBucket } from "./bucket-settings.js";
export { backupSourceSettings } from "./source-settings.js";
export { storeClient } from "./s3-client.js";
export { v8Gc } from "./v8-gc.js";
export type { V8GcFunction } from "./v8-gc.js";
export { formatAge, parseAge, parseShare } from "./thresholds.js";
