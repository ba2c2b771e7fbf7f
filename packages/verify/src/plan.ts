import type { ResolvedSource } from "./source.js";
import type { VerifyOptions } from "./verify-options.js";

/** `--dry-run`: the steps a verification of `source` would take, in words. */
export function planSteps(options: VerifyOptions, source: ResolvedSource): string[] {
  const db = options.database ?? "neo4j";
  const steps = [
    `read ${source.location} (${source.size} bytes) into a private workspace under ${options.workDir ?? "the OS temp directory"}, hashing while streaming${source.meta?.compression ? ` and decompressing (${source.meta.compression.algorithm})` : ""}`,
    source.meta
      ? `compare sha256 ${source.meta.sha256.slice(0, 12)}… and size ${source.meta.size} with the sidecar${source.object ? " and the object's metadata" : ""}`
      : options.sha256 === undefined
        ? "compute sha256 and size: no sidecar and no --sha256 to compare with, so the outcome can only be unverified"
        : "compute sha256 and size (no sidecar)",
  ];
  if (options.sha256 !== undefined)
    steps.push(`compare sha256 with --sha256 ${options.sha256.slice(0, 12)}…`);
  if (options.mode !== "checksum")
    steps.push(
      `load it as database ${db} into an ephemeral Neo4j borrowing ${options.installDir ?? "(no installation given)"}`,
    );
  if (options.mode === "check") steps.push("run neo4j-admin's consistency check");
  if (options.mode === "load") {
    steps.push(
      source.meta?.stats?.exact === false
        ? "start it and count nodes and relationships (the sidecar's stats are marked inexact: writes landed between counting and the stop, so they are not compared)"
        : source.meta?.stats
          ? "start it and compare node, relationship, label and type counts with the sidecar's stats"
          : "start it and count nodes and relationships (the sidecar has no stats)",
    );
    if (source.meta?.stats?.schema)
      steps.push(
        "compare its indexes and constraints with the sidecar's schema (each recorded one must exist with the same definition)",
      );
    if (options.smoke)
      steps.push(`run the smoke query and expect ≥ ${options.smoke.minRows} row(s)`);
  }
  steps.push(options.keepWorkspace ? "keep the workspace" : "remove the workspace");
  return steps;
}
