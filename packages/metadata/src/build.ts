import { NbsError } from "@nbs/errors";
import type { BackupMeta } from "./types.js";
import { validateBackupMeta } from "./validate.js";

/** Raised when a sidecar we are about to write, or one we read, does not match the schema. */
export class MetaValidationError extends NbsError {
  readonly issues: readonly string[];

  constructor(what: string, issues: readonly string[]) {
    super("SIDECAR_INVALID", `${what} does not match the .meta.json schema: ${issues.join("; ")}`, {
      hint: "regenerate the sidecar with nbs-upload, or check which tool wrote it",
    });
    this.issues = issues;
  }
}

export type BackupMetaInput = Omit<BackupMeta, "schemaVersion" | "created_at" | "uploaded_at"> & {
  created_at: Date | string;
  uploaded_at?: Date | string;
};

const toIso = (value: Date | string): string =>
  typeof value === "string" ? value : value.toISOString();

/** Build a schema-valid sidecar document; drops undefined fields, normalises dates to UTC ISO. */
export function buildBackupMeta(input: BackupMetaInput): BackupMeta {
  const doc: Record<string, unknown> = {
    schemaVersion: 1,
    ...input,
    created_at: toIso(input.created_at),
    ...(input.uploaded_at === undefined ? {} : { uploaded_at: toIso(input.uploaded_at) }),
  };
  const clean = JSON.parse(JSON.stringify(doc)) as unknown;
  const result = validateBackupMeta(clean);
  if (!result.ok) throw new MetaValidationError("the sidecar being written", result.errors);
  return result.value;
}

/** Serialise a sidecar the same way everywhere (stable key order as built, trailing newline). */
export function serializeBackupMeta(meta: BackupMeta): string {
  return `${JSON.stringify(meta, null, 2)}\n`;
}
