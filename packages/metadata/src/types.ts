/** The `.meta.json` document, as described by schema/backup-meta.schema.json (kept in sync by a test). */
export interface BackupMeta {
  schemaVersion: 1;
  sha256: string;
  size: number;
  db_name: string;
  created_at: string;
  uploaded_at?: string;
  created_by: string;
  commit_sha?: string;
  /** Days the bucket's lifecycle rule keeps this backup, when configured at upload. */
  retention_days?: number;
  tool: ToolInfo;
  dump_format?: string;
  neo4j?: Neo4jInfo;
  compression?: CompressionInfo;
  storage?: StorageInfo;
  stats?: GraphStats;
  // --- lock helper: S3 Object Lock ---
  /** The dump's Object Lock retention as the store reported it after the upload (the sidecar carries the same). */
  object_lock?: ObjectLockInfo;
  // --- end lock helper ---
  // --- helper `status` (issue 22): shrink guard ---
  /** Present only when this backup dropped beyond the uploader's --max-shrink vs the previous one. */
  shrink?: ShrinkRecord;
  // --- downtime branch ---
  /**
   * Milliseconds the server did not answer Bolt for this dump: from its last answer before the
   * stop to its first after the start (measured by probing; absent when not measured).
   */
  downtime_ms?: number;
  // --- end downtime branch ---
  /** Set by helper `sets`: this dump is a member of a set taken in one stop window. */
  set?: SetMembership;
}

/** The set a dump belongs to; the set exists only once its manifest does (the set's commit). */
export interface SetMembership {
  /** The set's time, `yyyymmddThhmmssZ`, shared by its members. */
  id: string;
  /** The manifest's key in the bucket, or its path relative to the out-dir for a local set. */
  manifest_key: string;
}

/** S3 Object Lock retention: until `retain_until` no one can delete or overwrite that version (COMPLIANCE), or only with s3:BypassGovernanceRetention (GOVERNANCE). */
export interface ObjectLockInfo {
  mode: "GOVERNANCE" | "COMPLIANCE";
  /** UTC, ISO 8601. */
  retain_until: string;
}

/** What the shrink guard measures of one backup: counts when recorded, and the dump's bytes (uncompressed). */
export interface ShrinkMeasures {
  nodes?: number;
  relationships?: number;
  size: number;
}

/** A drop beyond --max-shrink against the previous committed backup of the same database. */
export interface ShrinkRecord {
  /** The previous committed backup compared with. */
  from_key: string;
  from: ShrinkMeasures;
  to: ShrinkMeasures;
  /** to / from of the measure that dropped most (0 = emptied). */
  ratio: number;
}

export interface ToolInfo {
  name: string;
  version: string;
  repo_sha?: string;
}

export interface Neo4jInfo {
  version: string;
  edition?: "community" | "enterprise";
}

export interface CompressionInfo {
  algorithm: "zstd" | "gzip";
  original_size: number;
  original_sha256: string;
}

/** Server-side encryption of a stored object; `none` only when the operator turned it off (`--sse none`). */
export type SseMode = "AES256" | "aws:kms" | "none";

export interface StorageInfo {
  bucket: string;
  key: string;
  etag?: string;
  sse: SseMode;
  kms_key_id?: string;
  part_size?: number;
  parts?: number;
}

export interface GraphStats {
  nodes: number;
  relationships: number;
  labels?: Record<string, number>;
  relationship_types?: Record<string, number>;
  /**
   * true: no transaction committed between counting and the stop (the counts describe the dump);
   * false: some did (not comparable with the dump); absent: unknown, compared strictly.
   */
  exact?: boolean;
  /** Last committed transaction id while counting. */
  counted_at_tx?: number;
  /** Last committed transaction id of the stopped store that was dumped. */
  dumped_at_tx?: number;
  /** Indexes and constraints while counting; absent in sidecars written before nbs recorded them. */
  schema?: GraphSchema;
}

/** The database's indexes and constraints, each sorted by name. */
export interface GraphSchema {
  indexes: SchemaIndex[];
  constraints: SchemaConstraint[];
}

/** One constraint as `SHOW CONSTRAINTS` describes it. */
export interface SchemaConstraint {
  name: string;
  /** Neo4j's word for it, e.g. `UNIQUENESS`, `NODE_KEY`, `NODE_PROPERTY_EXISTENCE`. */
  type: string;
  entity_type: "NODE" | "RELATIONSHIP";
  /** Labels (nodes) or relationship types; empty for token lookup indexes. */
  labels_or_types: string[];
  /** Properties in index / constraint order; empty for token lookup indexes. */
  properties: string[];
}

/** One index as `SHOW INDEXES` describes it (token `LOOKUP` indexes included). */
export interface SchemaIndex extends SchemaConstraint {
  /** The constraint this index backs, when it backs one. */
  owning_constraint?: string;
}
