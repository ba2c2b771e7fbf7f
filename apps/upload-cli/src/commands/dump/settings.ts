import {
  applyKmsKey,
  dryRunSetting,
  jsonSetting,
  neo4jServerSettings,
  LOG_SETTINGS,
  METRICS_SETTINGS,
  parseBool,
  parseString,
  resolveSettings,
  setting as S,
  withEndpointRegion,
  S3_CONNECTION_SETTINGS,
  SSE_SETTINGS,
  type SettingsOf,
} from "@nbs/cli-kit";
import { backupStream } from "@nbs/s3-store";
import { OBJECT_LOCK_SETTINGS } from "../../object-lock-settings.js";
import { CREATED_BY_SETTING } from "../../who.js";
import { DOWNTIME_SETTINGS } from "./downtime-settings.js";
import { UPLOAD_SETTINGS } from "../upload/settings.js";

/** `nbs-upload dump` (what scripts/neo4j/backup.sh runs). The Neo4j password comes only from NEO4J_PASSWORD. */
export const DUMP_SETTINGS = {
  db: {
    ...S(
      ["NBS_DB"],
      "string",
      "database to dump; repeat it (or NBS_DB=system,neo4j) to dump several in ONE stop window as a set",
      "neo4j",
      parseString,
    ),
    repeatable: true,
  },
  allDatabases: S(
    ["NBS_ALL_DATABASES"],
    "boolean",
    "dump every online database, system included, in ONE stop window as a set (needs NEO4J_URI and NEO4J_PASSWORD to list them)",
    false,
    parseBool,
  ),
  outDir: S(
    ["NBS_OUT_DIR"],
    "string",
    "directory for <db>-<yyyymmddThhmmssZ>.dump and its .meta.json",
    undefined,
    parseString,
  ),
  ...neo4jServerSettings({
    home: "Neo4j installation (its bin/neo4j and bin/neo4j-admin are used)",
    service:
      "systemd unit running that Neo4j (e.g. neo4j for the Debian/RPM packages): stop and start it with systemctl instead of bin/neo4j",
    uri: "Bolt URI for statistics while online (skipped when unset)",
  }),
  createdBy: CREATED_BY_SETTING,
  dryRun: dryRunSetting("print what would be done; Neo4j is not touched"),
  ...DOWNTIME_SETTINGS,
  ...LOG_SETTINGS,
  ...METRICS_SETTINGS,
  json: jsonSetting("print the final result as JSON on stdout"),
  toS3: S(
    ["NBS_TO_S3"],
    "boolean",
    "stream the dump (neo4j-admin --to-stdout) straight into --bucket under --prefix: no local file, for databases larger than the local disk",
    false,
    parseBool,
  ),
  // With --to-s3, the upload command's storage settings (same names, same parsing).
  ...S3_CONNECTION_SETTINGS,
  bucket: UPLOAD_SETTINGS.bucket,
  prefix: UPLOAD_SETTINGS.prefix,
  ...SSE_SETTINGS,
  ...OBJECT_LOCK_SETTINGS,
  retentionDays: UPLOAD_SETTINGS.retentionDays,
  maxShrink: UPLOAD_SETTINGS.maxShrink,
  commitSha: UPLOAD_SETTINGS.commitSha,
  partSize: {
    ...UPLOAD_SETTINGS.partSize,
    describe:
      "with --to-s3: multipart part size; the length is unknown in advance, so it caps the dump at part size × 10,000 (64MiB: 625 GiB); memory ≈ (concurrency + 1) × part size",
    fallback: backupStream.DEFAULT_PART_SIZE,
    show: "64MiB",
  },
  concurrency: UPLOAD_SETTINGS.concurrency,
  payloadSigning: UPLOAD_SETTINGS.payloadSigning,
  partChecksum: UPLOAD_SETTINGS.partChecksum,
};
export type DumpSettings = SettingsOf<typeof DUMP_SETTINGS>;

export function resolveDumpSettings(
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>,
  file: Record<string, unknown>,
) {
  const { settings, origins } = resolveSettings(DUMP_SETTINGS, flags, env, file);
  return { settings: withEndpointRegion(applyKmsKey(settings, origins)), origins };
}
