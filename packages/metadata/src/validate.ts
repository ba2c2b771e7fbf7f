import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import schema from "../schema/backup-meta.schema.json" with { type: "json" };
import type { BackupMeta } from "./types.js";

/** The `.meta.json` JSON Schema (draft 2020-12) as parsed JSON; typed opaquely so the schema's
 * content is not part of the TypeScript API (the file itself is exported as well). */
export const backupMetaSchema: Readonly<Record<string, unknown>> = schema;

export type MetaValidation = { ok: true; value: BackupMeta } | { ok: false; errors: string[] };

/**
 * Compiled on first use, once per process; the schema is the single source of truth for
 * `.meta.json`. `validateSchema: false` skips compiling ajv's 2020-12 meta-schema to check our
 * own schema on every start (≈ 35 ms); validate.test.ts checks it against the meta-schema instead.
 */
let compiled: ValidateFunction<BackupMeta> | undefined;
const validator = (): ValidateFunction<BackupMeta> =>
  (compiled ??= new Ajv2020({
    allErrors: true,
    strict: true,
    validateSchema: false,
  }).compile<BackupMeta>(schema));

function describe(error: ErrorObject): string {
  const where = error.instancePath === "" ? "(root)" : error.instancePath;
  const extra =
    error.keyword === "additionalProperties"
      ? ` (${String(error.params["additionalProperty"])})`
      : error.keyword === "enum"
        ? ` (${JSON.stringify(error.params["allowedValues"])})`
        : "";
  return `${where} ${error.message ?? error.keyword}${extra}`;
}

/** Validate a parsed `.meta.json` document. Unknown extra fields are accepted. */
export function validateBackupMeta(doc: unknown): MetaValidation {
  const validate = validator();
  if (validate(doc)) return { ok: true, value: doc };
  return { ok: false, errors: (validate.errors ?? []).map(describe) };
}

/** Parse and validate `.meta.json` text. */
export function parseBackupMeta(text: string): MetaValidation {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`not JSON: ${(error as Error).message}`] };
  }
  return validateBackupMeta(doc);
}
