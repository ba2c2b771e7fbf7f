import type { LogFormat } from "./logger.js";
import { parseBool, parseChoice, parsePositiveInt, parseString } from "./config.js";
import type { SettingSpec } from "./settings.js";

/** A settings-table row; `show` is how `--help` prints the default when JSON would be unfriendly. */
export function setting(
  env: string[],
  type: SettingSpec["type"],
  describe: string,
  fallback: unknown,
  parse: SettingSpec["parse"],
  choices?: readonly string[],
  show?: string,
): SettingSpec {
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

export type RequestChecksum = "WHEN_REQUIRED" | "WHEN_SUPPORTED";

/** How both CLIs reach the store. Credentials are deliberately absent: the SDK chain only. */
export interface S3ConnectionSettings {
  region: string | undefined;
  endpoint: string | undefined;
  maxAttempts: number;
  requestChecksum: RequestChecksum;
  caBundle: string | undefined;
}

export const S3_CONNECTION_SETTINGS: Record<keyof S3ConnectionSettings, SettingSpec> = {
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
    5,
    parsePositiveInt,
  ),
  requestChecksum: setting(
    ["NBS_REQUEST_CHECKSUM", "AWS_REQUEST_CHECKSUM_CALCULATION"],
    "string",
    "SDK request checksums; WHEN_SUPPORTED breaks some S3-compatible stores",
    "WHEN_REQUIRED",
    parseChoice(["WHEN_REQUIRED", "WHEN_SUPPORTED"] as const),
    ["WHEN_REQUIRED", "WHEN_SUPPORTED"],
  ),
  caBundle: setting(
    ["AWS_CA_BUNDLE"],
    "string",
    "PEM file of CAs to trust for https on top of the defaults (a private CA in front of MinIO)",
    undefined,
    parseString,
  ),
};

/** The createS3Client options both CLIs derive from their connection settings. */
export function s3ClientOptions(settings: S3ConnectionSettings) {
  return {
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.caBundle ? { caBundle: settings.caBundle } : {}),
    maxAttempts: settings.maxAttempts,
    checksumMode: settings.requestChecksum,
  };
}

/** MinIO and most S3 APIs ignore the region but the SDK needs one: us-east-1 with an endpoint. */
export function withEndpointRegion<T extends S3ConnectionSettings>(settings: T): T {
  return settings.region === undefined && settings.endpoint !== undefined
    ? { ...settings, region: "us-east-1" }
    : settings;
}

export interface LogSettings {
  verbose: boolean;
  logFormat: LogFormat | undefined;
}

export const LOG_SETTINGS: Record<keyof LogSettings, SettingSpec> = {
  verbose: setting(["NBS_VERBOSE"], "boolean", "debug events", false, parseBool),
  logFormat: setting(
    ["NBS_LOG_FORMAT"],
    "string",
    "log format on stderr (default: pretty on a TTY, else json)",
    undefined,
    parseChoice(["json", "pretty"] as const),
    ["json", "pretty"],
  ),
};
