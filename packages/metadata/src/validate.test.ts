import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import {
  MetaValidationError,
  backupMetaSchema,
  buildBackupMeta,
  parseBackupMeta,
  serializeBackupMeta,
  validateBackupMeta,
  type BackupMeta,
} from "./index.js";

const SHA = "a".repeat(64);

// Every field of BackupMeta, populated. `Required<...>` at each level makes the compiler
// fail here when a field is added to the types without being added to this example.
type Full<T> = { [K in keyof T]-?: T[K] extends object ? Full<T[K]> : T[K] };
const full: Full<Omit<BackupMeta, "stats" | "storage" | "compression" | "shrink">> & {
  shrink: Required<NonNullable<BackupMeta["shrink"]>>;
  stats: Required<NonNullable<BackupMeta["stats"]>>;
  storage: Required<NonNullable<BackupMeta["storage"]>>;
  compression: Required<NonNullable<BackupMeta["compression"]>>;
} = {
  schemaVersion: 1,
  sha256: SHA,
  size: 1234,
  db_name: "neo4j",
  created_at: "2026-11-24T10:15:00Z",
  uploaded_at: "2026-11-24T10:16:01.250Z",
  created_by: "github-actions:backup-sync#42",
  commit_sha: "0123abc",
  downtime_ms: 4200,
  retention_days: 30,
  tool: { name: "nbs-upload", version: "0.1.0", repo_sha: "0123abcd" },
  dump_format: "neo4j-5-dump",
  object_lock: { mode: "GOVERNANCE", retain_until: "2027-01-05T10:16:01Z" },
  set: { id: "20261124T101500Z", manifest_key: "prod/sets/20261124T101500Z.json" },
  neo4j: { version: "5.26.30", edition: "community" },
  compression: { algorithm: "zstd", original_size: 4000, original_sha256: "b".repeat(64) },
  storage: {
    bucket: "backups",
    key: "prod/neo4j/neo4j-20261124T101500Z.dump.zst",
    etag: '"abc-2"',
    sse: "aws:kms",
    kms_key_id: "arn:aws:kms:us-east-1:111122223333:key/abc",
    part_size: 16777216,
    parts: 2,
  },
  shrink: {
    from_key: "prod/neo4j/neo4j-20261123T101500Z.dump.zst",
    from: { nodes: 30, relationships: 20, size: 40000 },
    to: { nodes: 3, relationships: 2, size: 4000 },
    ratio: 0.1,
  },
  stats: {
    nodes: 3,
    relationships: 2,
    labels: { Person: 3 },
    relationship_types: { KNOWS: 2 },
    exact: false,
    counted_at_tx: 41,
    dumped_at_tx: 42,
    schema: {
      indexes: [
        {
          name: "person_id",
          type: "RANGE",
          entity_type: "NODE",
          labels_or_types: ["Person"],
          properties: ["id"],
          owning_constraint: "person_id",
        },
        {
          name: "index_343aff4e",
          type: "LOOKUP",
          entity_type: "NODE",
          labels_or_types: [],
          properties: [],
        },
      ],
      constraints: [
        {
          name: "person_id",
          type: "UNIQUENESS",
          entity_type: "NODE",
          labels_or_types: ["Person"],
          properties: ["id"],
        },
      ],
    },
  },
};

function propertyPaths(schema: Record<string, unknown>, base = ""): string[] {
  const props = schema["properties"] as Record<string, Record<string, unknown>> | undefined;
  if (!props) return [];
  return Object.entries(props).flatMap(([name, sub]) => [
    `${base}${name}`,
    ...propertyPaths(sub, `${base}${name}.`),
    ...propertyPaths((sub["items"] ?? {}) as Record<string, unknown>, `${base}${name}[].`),
  ]);
}

function valuePaths(
  value: Record<string, unknown>,
  base = "",
  maps = ["labels", "relationship_types"],
): string[] {
  return Object.entries(value).flatMap(([name, sub]) => [
    `${base}${name}`,
    // An array of objects: the fields of its first element (the fullest one in `full`).
    ...(Array.isArray(sub)
      ? sub[0] && typeof sub[0] === "object"
        ? valuePaths(sub[0] as Record<string, unknown>, `${base}${name}[].`)
        : []
      : sub && typeof sub === "object" && !maps.includes(name)
        ? valuePaths(sub as Record<string, unknown>, `${base}${name}.`)
        : []),
  ]);
}

describe("backup-meta schema", () => {
  it("is the file the package exports, and has exactly the fields of the BackupMeta type", () => {
    const onDisk = JSON.parse(
      readFileSync(new URL("../schema/backup-meta.schema.json", import.meta.url), "utf8"),
    ) as unknown;
    expect(backupMetaSchema).toEqual(onDisk);
    expect(propertyPaths(backupMetaSchema).sort()).toEqual(valuePaths(full).sort());
  });

  // The validator skips this check at run time (validateSchema: false) to start faster.
  it("is a valid JSON Schema 2020-12 document", () => {
    const ajv = new Ajv2020({ strict: true });
    expect(ajv.validateSchema(backupMetaSchema), JSON.stringify(ajv.errors)).toBe(true);
  });

  it("accepts a fully populated sidecar", () => {
    expect(validateBackupMeta(full)).toEqual({ ok: true, value: full });
  });

  it("accepts a backup stored without server-side encryption (--sse none)", () => {
    expect(validateBackupMeta({ ...full, storage: { ...full.storage, sse: "none" } }).ok).toBe(
      true,
    );
  });

  it("tolerates unknown fields written by a newer version", () => {
    expect(validateBackupMeta({ ...full, future_field: { x: 1 } }).ok).toBe(true);
  });

  it.each([
    ["a short sha256", { sha256: "abc" }, "/sha256"],
    ["an uppercase sha256", { sha256: "A".repeat(64) }, "/sha256"],
    ["a negative size", { size: -1 }, "/size"],
    ["a local-time timestamp", { created_at: "2026-11-24T10:15:00+01:00" }, "/created_at"],
    ["an unknown schema version", { schemaVersion: 2 }, "/schemaVersion"],
    ["an unknown SSE mode", { storage: { ...full.storage, sse: "aws:fsx" } }, "/storage/sse"],
    [
      "an unknown Object Lock mode",
      { object_lock: { mode: "LEGAL_HOLD", retain_until: "2027-01-05T10:16:01Z" } },
      "/object_lock/mode",
    ],
    [
      "an Object Lock without its retain-until date",
      { object_lock: { mode: "COMPLIANCE" } },
      "/object_lock",
    ],
  ])("rejects %s and names the field", (_what, patch, path) => {
    const result = validateBackupMeta({ ...full, ...patch });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join("\n")).toContain(path);
  });

  it("keeps stats written before counts recorded their transactions valid, and checks the new fields", () => {
    const { nodes, relationships, labels, relationship_types } = full.stats;
    const old = { nodes, relationships, labels, relationship_types };
    expect(validateBackupMeta({ ...full, stats: old }).ok).toBe(true);
    const wrong = validateBackupMeta({
      ...full,
      stats: { ...old, exact: "yes", dumped_at_tx: -1 },
    });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) {
      expect(wrong.errors.join("\n")).toContain("/stats/exact");
      expect(wrong.errors.join("\n")).toContain("/stats/dumped_at_tx");
    }
  });

  it("keeps stats written before the schema was recorded valid, and checks a recorded schema", () => {
    const withoutSchema: Partial<typeof full.stats> = { ...full.stats };
    delete withoutSchema.schema;
    expect(validateBackupMeta({ ...full, stats: withoutSchema }).ok).toBe(true);
    const wrong = validateBackupMeta({
      ...full,
      stats: {
        ...withoutSchema,
        schema: {
          indexes: [{ name: "i", type: "RANGE", entity_type: "EDGE", labels_or_types: ["A"] }],
          constraints: [{ name: "", type: "UNIQUENESS", entity_type: "NODE" }],
        },
      },
    });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) {
      const errors = wrong.errors.join("\n");
      expect(errors).toContain("/stats/schema/indexes/0/entity_type");
      expect(errors).toContain("/stats/schema/indexes/0 must have required property 'properties'");
      expect(errors).toContain("/stats/schema/constraints/0/name");
    }
    expect(validateBackupMeta({ ...full, stats: { ...withoutSchema, schema: {} } }).ok).toBe(false);
  });

  it("rejects a document missing required fields, listing each", () => {
    const result = validateBackupMeta({ schemaVersion: 1 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      for (const field of ["sha256", "size", "db_name", "created_at", "created_by", "tool"]) {
        expect(result.errors.join("\n")).toContain(field);
      }
    }
  });

  it("reports text that is not JSON", () => {
    expect(parseBackupMeta("{nope")).toMatchObject({ ok: false });
  });
});

describe("buildBackupMeta", () => {
  const input = {
    sha256: SHA,
    size: 10,
    db_name: "neo4j",
    created_at: new Date("2026-11-24T10:15:00Z"),
    created_by: "alice",
    tool: { name: "nbs-upload", version: "0.1.0" },
    commit_sha: undefined,
  };

  it("normalises dates to UTC ISO and drops undefined fields", () => {
    const meta = buildBackupMeta(input);
    expect(meta.created_at).toBe("2026-11-24T10:15:00.000Z");
    expect("commit_sha" in meta).toBe(false);
    expect(parseBackupMeta(serializeBackupMeta(meta))).toEqual({ ok: true, value: meta });
  });

  it("refuses to build a sidecar that would not validate", () => {
    expect(() => buildBackupMeta({ ...input, sha256: "nope" })).toThrow(MetaValidationError);
    expect(() => buildBackupMeta({ ...input, sha256: "nope" })).toThrow(
      expect.objectContaining({ code: "SIDECAR_INVALID", category: "INTEGRITY" }),
    );
  });
});
