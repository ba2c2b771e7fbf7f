import { NbsError } from "@nbs/errors";
import type { SseOptions } from "@nbs/s3-store";
import { parseBool, parseChoice, parseString } from "./config.js";
import { setting } from "./common-settings.js";

const SSE_CHOICES = ["bucket", "AES256", "aws:kms", "none"] as const;
export type Sse = (typeof SSE_CHOICES)[number];

function parseSse(raw: unknown, what: string): Sse {
  if (what === "BACKUP_USE_SSE_KMS") return parseBool(raw, what) ? "aws:kms" : "AES256";
  return parseChoice(SSE_CHOICES)(raw, what);
}

/** Server-side encryption of what a command writes (upload, dump --to-s3). */
export const SSE_SETTINGS = {
  sse: setting(
    ["BACKUP_SSE", "BACKUP_USE_SSE_KMS"],
    "string",
    "server-side encryption: bucket (the bucket's default encryption, required to apply), AES256, aws:kms, or none for stores without SSE (BACKUP_USE_SSE_KMS=true|false: aws:kms|AES256)",
    "bucket",
    parseSse,
    SSE_CHOICES,
  ),
  kmsKey: setting(
    ["BACKUP_KMS_KEY_ARN"],
    "string",
    "KMS key id or ARN (implies --sse aws:kms)",
    undefined,
    parseString,
  ),
};

/**
 * A KMS key implies aws:kms; it conflicts with --sse none, and with an AES256 or bucket SSE
 * asked for by flag or config file (an environment's BACKUP_SSE gives way to the key).
 */
export function applyKmsKey<T extends { sse: Sse; kmsKey?: string | undefined }>(
  settings: T,
  origins: Record<string, string>,
): T {
  if (settings.kmsKey === undefined) return settings;
  const { sse } = settings;
  const explicit = origins["sse"] !== "default" && origins["sse"] !== "env";
  if (sse === "none" || (explicit && (sse === "AES256" || sse === "bucket"))) {
    throw new NbsError("FLAGS_CONFLICT", `--kms-key conflicts with --sse ${sse}`, {
      hint: "drop --sse or use --sse aws:kms",
    });
  }
  return { ...settings, sse: "aws:kms" };
}

/** What the store is asked for: the settings' SSE, with the KMS key when one is given. */
export function sseOptions(settings: { sse: Sse; kmsKey?: string | undefined }): SseOptions {
  if (settings.sse !== "aws:kms") return { mode: settings.sse };
  return settings.kmsKey === undefined
    ? { mode: "aws:kms" }
    : { mode: "aws:kms", kmsKeyId: settings.kmsKey };
}
