import type { LogFormat } from "./logger.js";
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  deadServerBoundMs,
} from "@nbs/s3-store/timeouts";
import { parseBool, parseChoice, parseDuration, parsePositiveInt, parseString } from "./config.js";
import type { SettingSpec, SettingsOf } from "./settings.js";

/**
 * A settings-table row; `show` is how `--help` prints the default when JSON would be unfriendly.
 * The types come from `parse` and `fallback`, so a table's settings type can be derived from it.
 */
export function setting<V, const F extends V | undefined>(
  env: string[],
  type: SettingSpec["type"],
  describe: string,
  fallback: F,
  parse: (raw: unknown, what: string) => V,
  choices?: readonly string[],
  show?: string,
): SettingSpec<V, F> {
  return {
    env,
    type,
    describe,
    fallback,
    parse,
    ...(choices ? { choices } : {}),
    ...(show ? { show } : {}),
  };
}

const DEFAULT_MAX_ATTEMPTS = 5;

/** Seconds a store that never answers can hold one request with the default settings. */
const DEFAULT_DEAD_SERVER_BOUND_S = Math.ceil(
  deadServerBoundMs({
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
    connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
    requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
  }) / 1000,
);

const REQUEST_CHECKSUMS = ["WHEN_REQUIRED", "WHEN_SUPPORTED"] as const;

/**
 * How both CLIs reach the store. Credentials are deliberately absent: the SDK chain only.
 * connectTimeout and requestTimeout (silence per attempt) are milliseconds.
 */
export const S3_CONNECTION_SETTINGS = {
  region: setting(
    ["AWS_REGION", "AWS_DEFAULT_REGION"],
    "string",
    "AWS region (default us-east-1 with --endpoint)",
    undefined,
    parseString,
  ),
  endpoint: setting(
    ["BACKUP_S3_ENDPOINT"],
    "string",
    "S3 API endpoint for MinIO and others (path-style)",
    undefined,
    parseString,
  ),
  maxAttempts: setting(
    ["NBS_MAX_ATTEMPTS", "AWS_MAX_ATTEMPTS"],
    "number",
    "attempts per S3 request, with backoff and jitter",
    DEFAULT_MAX_ATTEMPTS,
    parsePositiveInt,
  ),
  requestChecksum: setting(
    ["NBS_REQUEST_CHECKSUM", "AWS_REQUEST_CHECKSUM_CALCULATION"],
    "string",
    "SDK request checksums; WHEN_SUPPORTED breaks some S3-compatible stores",
    "WHEN_REQUIRED",
    parseChoice(REQUEST_CHECKSUMS),
    REQUEST_CHECKSUMS,
  ),
  caBundle: setting(
    ["AWS_CA_BUNDLE"],
    "string",
    "PEM file of CAs to trust for https on top of the defaults (a private CA in front of MinIO)",
    undefined,
    parseString,
  ),
  connectTimeout: setting(
    ["NBS_CONNECT_TIMEOUT"],
    "string",
    "TCP connect timeout per attempt (15, 15s, 500ms, 2m)",
    DEFAULT_CONNECT_TIMEOUT_MS,
    parseDuration,
    undefined,
    `${DEFAULT_CONNECT_TIMEOUT_MS / 1000}s`,
  ),
  requestTimeout: setting(
    ["NBS_REQUEST_TIMEOUT"],
    "string",
    `idle timeout per attempt: nothing sent or received for this long fails the attempt, which is retried; with the defaults one request to a store that never answers fails within ${DEFAULT_DEAD_SERVER_BOUND_S} s (attempts × (connect + request timeout) + backoff), then exit 4`,
    DEFAULT_REQUEST_TIMEOUT_MS,
    parseDuration,
    undefined,
    `${DEFAULT_REQUEST_TIMEOUT_MS / 1000}s`,
  ),
};
export type S3ConnectionSettings = SettingsOf<typeof S3_CONNECTION_SETTINGS>;

/** The createS3Client options both CLIs derive from their connection settings. */
export function s3ClientOptions(settings: S3ConnectionSettings) {
  return {
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.caBundle ? { caBundle: settings.caBundle } : {}),
    maxAttempts: settings.maxAttempts,
    checksumMode: settings.requestChecksum,
    connectTimeoutMs: settings.connectTimeout,
    requestTimeoutMs: settings.requestTimeout,
  };
}

/** MinIO and most S3 APIs ignore the region but the SDK needs one: us-east-1 with an endpoint. */
export function withEndpointRegion<T extends S3ConnectionSettings>(settings: T): T {
  return settings.region === undefined && settings.endpoint !== undefined
    ? { ...settings, region: "us-east-1" }
    : settings;
}

const LOG_FORMATS = ["json", "pretty"] as const satisfies readonly LogFormat[];

export const LOG_SETTINGS = {
  verbose: setting(["NBS_VERBOSE"], "boolean", "debug events", false, parseBool),
  logFormat: setting(
    ["NBS_LOG_FORMAT"],
    "string",
    "log format on stderr (default: pretty on a TTY, else json)",
    undefined,
    parseChoice(LOG_FORMATS),
    LOG_FORMATS,
  ),
};
