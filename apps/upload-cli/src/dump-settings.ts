import {
  parseBool,
  parseChoice,
  parseString,
  resolveSettings,
  withEndpointRegion,
  S3_CONNECTION_SETTINGS,
  type LogFormat,
  type S3ConnectionSettings,
  type SettingSpec,
} from "@nbs/cli-kit";
import { NbsError } from "@nbs/errors";
import { DEFAULT_STREAM_PART_SIZE, type PartChecksum, type PayloadSigning } from "@nbs/s3-store";
import { UPLOAD_SETTINGS } from "./settings.js";

/** `nbs-upload dump` (what scripts/neo4j/backup.sh runs). The Neo4j password comes only from NEO4J_PASSWORD. */
export interface DumpSettings extends S3ConnectionSettings {
  db: string;
  outDir: string | undefined;
  neo4jHome: string | undefined;
  neo4jUri: string | undefined;
  neo4jUser: string;
  createdBy: string | undefined;
  dryRun: boolean;
  verbose: boolean;
  logFormat: LogFormat | undefined;
  json: boolean;
  /** Stream the dump straight into the bucket: no local file (see dump-s3.ts). */
  toS3: boolean;
  bucket: string | undefined;
  prefix: string;
  sse: "AES256" | "aws:kms" | "none";
  kmsKey: string | undefined;
  retentionDays: number | undefined;
  commitSha: string | undefined;
  partSize: number;
  concurrency: number;
  payloadSigning: PayloadSigning;
  partChecksum: PartChecksum;
}

export const DUMP_SETTINGS: Record<keyof DumpSettings, SettingSpec> = {
  db: {
    env: ["NBS_DB"],
    type: "string",
    describe: "database to dump",
    fallback: "neo4j",
    parse: parseString,
  },
  outDir: {
    env: ["NBS_OUT_DIR"],
    type: "string",
    describe: "directory for <db>-<yyyymmddThhmmssZ>.dump and its .meta.json",
    fallback: undefined,
    parse: parseString,
  },
  neo4jHome: {
    env: ["NEO4J_HOME"],
    type: "string",
    describe: "Neo4j installation (its bin/neo4j and bin/neo4j-admin are used)",
    fallback: undefined,
    parse: parseString,
  },
  neo4jUri: {
    env: ["NEO4J_URI"],
    type: "string",
    describe: "Bolt URI for statistics while online (skipped when unset)",
    fallback: undefined,
    parse: parseString,
  },
  neo4jUser: {
    env: ["NEO4J_USERNAME"],
    type: "string",
    describe: "Bolt user (password from NEO4J_PASSWORD only)",
    fallback: "neo4j",
    parse: parseString,
  },
  createdBy: {
    env: ["NBS_CREATED_BY"],
    type: "string",
    describe: "who made the backup (default: the GitHub Actions run, else user@host)",
    fallback: undefined,
    parse: parseString,
  },
  dryRun: {
    env: ["NBS_DRY_RUN"],
    type: "boolean",
    describe: "print what would be done; Neo4j is not touched",
    fallback: false,
    parse: parseBool,
  },
  verbose: {
    env: ["NBS_VERBOSE"],
    type: "boolean",
    describe: "debug events",
    fallback: false,
    parse: parseBool,
  },
  logFormat: {
    env: ["NBS_LOG_FORMAT"],
    type: "string",
    describe: "log format on stderr (default: pretty on a TTY, else json)",
    fallback: undefined,
    parse: parseChoice(["json", "pretty"] as const),
    choices: ["json", "pretty"],
  },
  json: {
    env: ["NBS_JSON"],
    type: "boolean",
    describe: "print the final result as JSON on stdout",
    fallback: false,
    parse: parseBool,
  },
  toS3: {
    env: ["NBS_TO_S3"],
    type: "boolean",
    describe:
      "stream the dump (neo4j-admin --to-stdout) straight into --bucket under --prefix: no local file, for databases larger than the local disk",
    fallback: false,
    parse: parseBool,
  },
  // With --to-s3, the upload command's storage settings (same names, same parsing).
  ...S3_CONNECTION_SETTINGS,
  bucket: UPLOAD_SETTINGS.bucket,
  prefix: UPLOAD_SETTINGS.prefix,
  sse: UPLOAD_SETTINGS.sse,
  kmsKey: UPLOAD_SETTINGS.kmsKey,
  retentionDays: UPLOAD_SETTINGS.retentionDays,
  commitSha: UPLOAD_SETTINGS.commitSha,
  partSize: {
    ...UPLOAD_SETTINGS.partSize,
    describe:
      "with --to-s3: multipart part size; the length is unknown in advance, so it caps the dump at part size × 10,000 (64MiB: 625 GiB); memory ≈ (concurrency + 1) × part size",
    fallback: DEFAULT_STREAM_PART_SIZE,
    show: "64MiB",
  },
  concurrency: UPLOAD_SETTINGS.concurrency,
  payloadSigning: UPLOAD_SETTINGS.payloadSigning,
  partChecksum: UPLOAD_SETTINGS.partChecksum,
};

export function resolveDumpSettings(
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>,
  file: Record<string, unknown>,
) {
  const { settings: s, origins } = resolveSettings<DumpSettings>(DUMP_SETTINGS, flags, env, file);
  // As for the upload command: a KMS key implies aws:kms and conflicts with an explicit other SSE.
  if (s.kmsKey !== undefined) {
    if (
      s.sse === "none" ||
      (origins["sse"] !== "default" && origins["sse"] !== "env" && s.sse === "AES256")
    ) {
      throw new NbsError("INVALID_OPTION", `--kms-key conflicts with --sse ${s.sse}`, {
        hint: "drop --sse or use --sse aws:kms",
      });
    }
    s.sse = "aws:kms";
  }
  return { settings: withEndpointRegion(s), origins };
}
