import {
  applyKmsKey,
  dryRunSetting,
  jsonSetting,
  bucketSettings,
  parseBool,
  parseChoice,
  parseShare,
  parsePositiveInt,
  parseSize,
  parseString,
  resolveSettings,
  withEndpointRegion,
  setting,
  LOG_SETTINGS,
  METRICS_SETTINGS,
  S3_CONNECTION_SETTINGS,
  SSE_SETTINGS,
  type SettingsOf,
} from "@nbs/cli-kit";
import { NbsError } from "@nbs/errors";
import { PAYLOAD_SIGNING_MODES, type PartChecksum } from "@nbs/s3-store";
import { OBJECT_LOCK_SETTINGS } from "../../object-lock-settings.js";
import { CREATED_BY_SETTING } from "../../who.js";

const PART_CHECKSUMS: readonly PartChecksum[] = ["SHA256", "CRC32", "none"];

const S = setting;

/** One table drives the flags, the environment names, the config-file keys, `--help` and the type. */
export const UPLOAD_SETTINGS = {
  ...S3_CONNECTION_SETTINGS,
  ...LOG_SETTINGS,
  ...METRICS_SETTINGS,
  file: S(["NBS_FILE"], "string", "Neo4j dump to upload", undefined, parseString),
  ...bucketSettings({ bucket: "target bucket", prefix: "key prefix (one per environment)" }),
  retentionDays: S(
    ["BACKUP_RETENTION_DAYS"],
    "number",
    "days the bucket's lifecycle keeps backups under the prefix (recorded in the sidecar; see the retention command)",
    undefined,
    parsePositiveInt,
  ),
  maxShrink: S(
    ["NBS_MAX_SHRINK"],
    "string",
    "shrink guard: a backup whose node or relationship count or dump size dropped by more than this against the previous committed backup of the database is stored anyway, marked with shrink in its sidecar and warned (100% turns it off)",
    0.5,
    parseShare,
    undefined,
    "50%",
  ),
  ...SSE_SETTINGS,
  ...OBJECT_LOCK_SETTINGS,
  compress: S(
    ["NBS_COMPRESS"],
    "string",
    "compress before upload (Neo4j 5 dumps are already zstd)",
    "none",
    parseChoice(["none", "zstd", "gzip"] as const),
    ["none", "zstd", "gzip"],
  ),
  dbName: S(
    ["NBS_DB_NAME"],
    "string",
    "database name (default: from the file name)",
    undefined,
    parseString,
  ),
  createdBy: CREATED_BY_SETTING,
  commitSha: S(
    ["NBS_COMMIT_SHA", "GITHUB_SHA"],
    "string",
    "commit recorded in the sidecar (default: $GITHUB_SHA)",
    undefined,
    parseString,
  ),
  pruneLocal: S(
    ["NBS_PRUNE_LOCAL"],
    "boolean",
    "delete the local dump (and its local sidecar) after the backup is committed",
    false,
    parseBool,
  ),
  dryRun: dryRunSetting("print the plan; no writes, no credentials needed"),
  json: jsonSetting("print the final result as JSON on stdout"),
  partSize: S(
    ["NBS_PART_SIZE"],
    "string",
    "multipart part size (raised automatically to stay within 10,000 parts)",
    16 * 1024 * 1024,
    parsePartSize,
    undefined,
    "16MiB",
  ),
  concurrency: S(
    ["NBS_CONCURRENCY"],
    "number",
    "parts in flight; memory ≈ concurrency × part size",
    2,
    parsePositiveInt,
  ),
  payloadSigning: S(
    ["NBS_PAYLOAD_SIGNING"],
    "string",
    "sign each part's sha256 too (auto: over http only, TLS covers https; every part carries a checksum)",
    "auto",
    parseChoice(PAYLOAD_SIGNING_MODES),
    PAYLOAD_SIGNING_MODES,
  ),
  partChecksum: S(
    ["NBS_PART_CHECKSUM"],
    "string",
    "checksum on each part, checked and kept by the store (SHA256 proves a resumed upload's parts; CRC32 for stores without SHA-256 checksums, resumed parts are then sent again); none for stores that reject x-amz-checksum headers (parts are then signed)",
    "SHA256",
    parseChoice(PART_CHECKSUMS),
    PART_CHECKSUMS,
  ),
  resumeIdle: S(
    ["NBS_RESUME_IDLE"],
    "number",
    "seconds a multipart upload of the same key must have been idle, by the store's clock, to be taken as an interrupted run's and resumed (younger ones may be a run still going; none is ever aborted); 0 resumes at once",
    900,
    parseSeconds,
  ),
  allowAnyFile: S(
    ["NBS_ALLOW_ANY_FILE"],
    "boolean",
    "upload a file that does not look like a Neo4j dump",
    false,
    parseBool,
  ),
};

/** Everything `nbs-upload` can be told, resolved once: flag > env > config file > default. */
export type UploadSettings = SettingsOf<typeof UPLOAD_SETTINGS>;

function parseSeconds(raw: unknown, what: string): number {
  const n = typeof raw === "number" ? raw : Number(String(raw).trim());
  if (!Number.isInteger(n) || n < 0 || String(raw).trim() === "") {
    throw new NbsError(
      "SETTING_INVALID",
      `${what} must be a whole number of seconds, got ${JSON.stringify(raw)}`,
      {
        hint: "e.g. --resume-idle 900 (0 resumes an interrupted upload at once)",
      },
    );
  }
  return n;
}

/** S3 accepts parts of 5 MiB to 5 GiB; refuse anything else before any network call. */
function parsePartSize(raw: unknown, what: string): number {
  const bytes = parseSize(raw, what);
  if (bytes < 5 * 1024 * 1024 || bytes > 5 * 1024 * 1024 * 1024) {
    throw new NbsError(
      "SETTING_INVALID",
      `part size ${String(raw)} for ${what} is outside S3's limits`,
      {
        hint: "use 5MiB to 5GiB (it is raised automatically to keep within 10,000 parts)",
      },
    );
  }
  return bytes;
}

export function resolveUploadSettings(
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>,
  file: Record<string, unknown>,
): { settings: UploadSettings; origins: Record<string, string> } {
  const { settings, origins } = resolveSettings(UPLOAD_SETTINGS, flags, env, file);
  return { settings: withEndpointRegion(applyKmsKey(settings, origins)), origins };
}
