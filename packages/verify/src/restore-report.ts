import type { BackupMeta } from "@nbs/metadata";
import type { Check, SidecarStats } from "./checks.js";
import type { ContentProof } from "./content-proof.js";
import type { RestorePreflight } from "./restore-preflight.js";
import type { SafetyCopy } from "./safety-copy.js";
import type { SameServerProof } from "./same-server.js";
import type { ResolvedSource, VerifySource } from "./source.js";

/** What `nbs-verify restore` did (or, with `--dry-run`, would do). Failures are thrown, not reported. */
export interface RestoreServerReport {
  outcome: "restored" | "dry-run";
  source: { kind: VerifySource["kind"]; location: string; bucket?: string; key?: string };
  backup?: { db_name: string; created_at: string; neo4j_version?: string };
  sha256: { expected?: string; actual?: string };
  size: { expected?: number; actual?: number };
  target: {
    database: string;
    neo4j_home: string;
    neo4j_version: string;
    edition: string;
    /** Whether the server was running when the restore began. */
    running: boolean;
    /** Nodes in the target database before anything changed; undefined when it could not be asked. */
    nodes_before?: number;
    /** `--force` was needed (the target held data, or could not be checked) and given. */
    forced: boolean;
    /** How `--neo4j-uri` was shown to be the server of `--neo4j-home`. */
    server: SameServerProof;
  };
  /** The checks before the stop: database names, the dump's Neo4j version, free space. */
  preflight: RestorePreflight;
  /**
   * The dump of the data being replaced: `planned` (dry run), `made` (with its file, sidecar and
   * sha256; `loaded_back` after a failed load), `skipped` (`--no-safety-copy`), `not-needed`
   * (the target held no data).
   */
  safety_copy:
    | ({ status: "made"; dir: string } & SafetyCopy)
    | { status: "planned"; dir: string }
    | { status: "skipped" | "not-needed" };
  checks: Check[];
  /** Counted in the private ephemeral Neo4j the dump was first loaded into (no client writes there). */
  counts?: { expected?: SidecarStats; actual: SidecarStats };
  /** What proved the dump holds the recorded state, in that ephemeral Neo4j, before the server was stopped. */
  proof?: ContentProof;
  /** `--dry-run`: the steps that would run. */
  plan?: string[];
  durations_ms: Record<string, number>;
}

export function describeBackup(meta: BackupMeta | undefined): RestoreServerReport["backup"] {
  if (!meta) return undefined;
  return {
    db_name: meta.db_name,
    created_at: meta.created_at,
    ...(meta.neo4j ? { neo4j_version: meta.neo4j.version } : {}),
  };
}

/** `--dry-run`: the restore's steps in words. */
export function restorePlan(
  source: ResolvedSource,
  target: RestoreServerReport["target"],
  workDir: string | undefined,
  safetyDir?: string,
): string[] {
  const stats = source.meta?.stats;
  return [
    `download ${source.location} (${source.size} bytes) into a private workspace under ${workDir ?? "the OS temp directory"}, hashing while streaming`,
    source.meta
      ? `compare sha256 ${source.meta.sha256.slice(0, 12)}… and size ${source.meta.size} with the sidecar${source.object ? " and the object's metadata" : ""}, and check it is a Neo4j dump; stop here on any mismatch`
      : "compare the sha256 with --sha256 and check it is a Neo4j dump; stop here on any mismatch",
    `load it into a private ephemeral Neo4j (random loopback ports, no client) and prove there: last transaction = the sidecar's dumped_at_tx, indexes ONLINE, ${stats?.exact === false ? "schema = the sidecar's (its counts are inexact and are not compared)" : stats ? "counts and schema = the sidecar's" : "(the sidecar has no stats to compare with)"}; stop here on any failure`,
    target.running
      ? `stop Neo4j (${target.neo4j_home}/bin/neo4j stop); database ${target.database} holds ${target.nodes_before ?? "?"} node(s)${target.forced ? ", replaced because of --force" : ""}`
      : `Neo4j at ${target.neo4j_home} is not running${target.forced ? " (--force: its database is replaced unseen)" : ""}`,
    ...(safetyDir
      ? [
          `dump database ${target.database} as it is to a safety copy under ${safetyDir} (with its .meta.json); if the load fails, load it back`,
        ]
      : []),
    `neo4j-admin database load --overwrite-destination ${target.database} (Neo4j ${target.neo4j_version})`,
    "start Neo4j again, also when the load fails, and wait for Bolt",
    "check the running server: database online, the recorded indexes and constraints present, every index ONLINE (counts are not read there: applications may already write)",
    "remove the workspace",
  ];
}
