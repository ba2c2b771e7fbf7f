import type { ErrorCategory, NbsErrorCode } from "@nbs/errors";
import type { GraphStats } from "@nbs/metadata";
import type { Check } from "./checks.js";
import type { ContentProof } from "./content-proof.js";
import type { LatestPassedOver, VerifySource } from "./source.js";

/** How far to go: bytes only, neo4j-admin consistency check, or load and query. */
export type VerifyMode = "checksum" | "check" | "load";

/** The machine-readable verdict of one verification (`--report`, `--json`). */
export interface VerifyReport {
  ok: boolean;
  /**
   * `verified`: the sha256 matched an independent record (sidecar or `--sha256`) and every step
   * passed. `unverified`: every step passed but there was nothing to compare the sha256 with.
   */
  outcome: "verified" | "unverified" | "failed" | "dry-run";
  mode: VerifyMode;
  source: {
    kind: VerifySource["kind"];
    /** `s3://bucket/key`, the local path, or (when it could not be resolved) what was asked for. */
    location: string;
    bucket?: string;
    key?: string;
    path?: string;
  };
  /** What the sidecar says about the backup; absent when there is none. */
  backup?: {
    db_name: string;
    created_at: string;
    created_by: string;
    uploaded_at?: string;
    neo4j_version?: string;
  };
  sidecar: "valid" | "absent" | "unknown";
  /** `--latest`: newer backups found broken (each one fails the verification), newest first. */
  skipped?: LatestPassedOver["skipped"];
  /** `--latest`: newer dumps without a sidecar (uploads still running or never committed), ignored. */
  uncommitted?: LatestPassedOver["uncommitted"];
  sha256: { expected?: string; actual?: string };
  size: { expected?: number; actual?: number };
  /** The sidecar's `stats` and what the restored database holds: counts, and schema (indexes, constraints). */
  counts?: { expected?: GraphStats; actual?: GraphStats };
  neo4j?: { version: string; edition: string; database: string };
  /**
   * `check` / `load`: what proved the loaded store holds the recorded state besides the sha256:
   * exact counts, the last committed transaction = `dumped_at_tx`, both, or none (and why).
   */
  proof?: ContentProof;
  checks: Check[];
  /** Step durations: resolve, download, neo4j_prepare, neo4j_load, neo4j_check, neo4j_start, counts, smoke, cleanup, total. */
  durations_ms: Record<string, number>;
  workspace?: { dir: string; kept: boolean };
  /** `--dry-run`: the steps that would run. */
  plan?: string[];
  failure?: {
    code: NbsErrorCode;
    category: ErrorCategory;
    message: string;
    hint?: string;
    stage: string;
  };
}
