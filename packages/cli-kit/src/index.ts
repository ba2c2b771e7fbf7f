export { EXIT_CODES_HELP } from "./exit-codes.js";
export { createCliLogger } from "./logger.js";
export type { CliLogger, Level } from "./logger.js";
export { createRedactor, redactValue, secretValuesFrom } from "./redact.js";
export { withoutCredentials } from "./child-env.js";
export { createProgress, formatBytes } from "./progress.js";
export {
  parseBool,
  parseChoice,
  parseDuration,
  parsePositiveInt,
  parseSize,
  parseString,
} from "./config.js";
export type { FinishedRun, JsonDocument, Outcome } from "./run.js";
export type { MetricGroup, MetricSample } from "./metrics.js";
export { METRICS_SETTINGS } from "./metrics-settings.js";
export type { MetricsSettings, RunMetrics } from "./metrics-settings.js";
export { attemptSamples } from "./run-metrics.js";
export { defineCommand, runCli } from "./shell.js";
// Command: verify-cli exports its commands, whose declarations name it.
export type { Command } from "./shell.js";
export type { CliIo, CliMain } from "./startup.js";
export { resolveSettings } from "./settings.js";
// SettingSpec: the apps export their settings tables, whose declarations name it.
export type { SettingSpec, SettingsOf } from "./settings.js";
export {
  LOG_SETTINGS,
  S3_CONNECTION_SETTINGS,
  s3ClientOptions,
  setting,
  withEndpointRegion,
} from "./common-settings.js";
export { SSE_SETTINGS, applyKmsKey, sseOptions } from "./sse-settings.js";
export {
  WORK_DIR_SETTING,
  dryRunSetting,
  jsonSetting,
  summaryMdSetting,
} from "./report-settings.js";
export { neo4jServerSettings } from "./neo4j-settings.js";
export { bucketSettings, checkDb, requireBucket } from "./bucket-settings.js";
export { backupSourceSettings } from "./source-settings.js";
export { requireRegion, storeClient } from "./s3-client.js";
export { v8Gc } from "./v8-gc.js";
export { formatAge, parseAge, parseShare } from "./thresholds.js";
