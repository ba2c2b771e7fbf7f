/** Environment variables whose values must never appear in any output. */
export const SECRET_ENV_VARS = [
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECURITY_TOKEN",
  "NEO4J_PASSWORD",
  "MINIO_ROOT_PASSWORD",
  "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
  "NBS_NOTIFY_WEBHOOK",
  "NBS_HEALTHCHECK_URL",
  "NBS_PUSHGATEWAY_URL",
] as const;

const SECRET_FIELD = /secret|password|passwd|token|authorization|credential|signature/i;
const REDACTED = "[REDACTED]";

/** Collect the secret values present in an environment (ignoring trivially short ones). */
export function secretValuesFrom(env: Record<string, string | undefined>): string[] {
  return SECRET_ENV_VARS.map((name) => env[name]).filter(
    (v): v is string => typeof v === "string" && v.length >= 4,
  );
}

/** A redactor that replaces known secret values anywhere in a string, and in URLs' user:pass@. */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  const sorted = [...new Set(secrets)].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, `$1${REDACTED}@`);
    for (const secret of sorted) out = out.split(secret).join(REDACTED);
    return out;
  };
}

/** Deep-copy a log record, dropping secret-looking fields and scrubbing secret values. */
export function redactValue(value: unknown, redact: (text: string) => string, depth = 0): unknown {
  if (typeof value === "string") return redact(value);
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, redact, depth + 1));
  if (value instanceof Error) return redact(value.message);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_FIELD.test(key) ? REDACTED : redactValue(v, redact, depth + 1);
  }
  return out;
}

/** Scrub a record's own string-keyed fields in place (winston keeps its bookkeeping in symbol keys). */
export function redactRecordInPlace<T extends Record<string, unknown>>(
  record: T,
  redact: (text: string) => string,
): T {
  for (const key of Object.keys(record)) {
    (record as Record<string, unknown>)[key] = SECRET_FIELD.test(key)
      ? REDACTED
      : redactValue(record[key], redact);
  }
  return record;
}
