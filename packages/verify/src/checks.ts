import { sha256Base64ToHex, type Sha256Digest } from "@nbs/checksum";
import type { BackupMeta, GraphStats } from "@nbs/metadata";
import type { ObjectInfo } from "@nbs/s3-store";

export type CheckStatus = "pass" | "fail" | "skip";

/** One line of the verdict: what was compared, against what, and how it came out. */
export interface Check {
  /** Stable identifier, e.g. "sha256.sidecar", "count.label.Person". */
  id: string;
  /** Human label, e.g. "sha256 = sidecar". */
  name: string;
  group: "integrity" | "neo4j";
  status: CheckStatus;
  expected?: string | number;
  actual?: string | number;
  detail?: string;
}

export interface IntegrityInput {
  meta: BackupMeta | undefined;
  /** HEAD of the stored object; undefined for local files. */
  object: ObjectInfo | undefined;
  /** Digest of the bytes as stored (what the sidecar's sha256/size describe). */
  stored: Sha256Digest;
  /** Digest after undoing `meta.compression`, when the backup was compressed by nbs. */
  original?: Sha256Digest;
  /** A sha256 of the stored bytes recorded elsewhere (`--sha256`), lowercase hex. */
  expectedSha256?: string | undefined;
}

/** Checks whose pass means the sha256 was compared with an independent record. */
const REFERENCE_CHECKS = new Set(["sha256.sidecar", "sha256.expected"]);

/** True when the bytes' sha256 matched a record made apart from them: the sidecar or `--sha256`. */
export function matchedReference(checks: readonly Check[]): boolean {
  return checks.some((c) => REFERENCE_CHECKS.has(c.id) && c.status === "pass");
}

/** Compare the bytes read with every claim made about them. Pure; the caller decides what a failure means. */
export function integrityChecks(input: IntegrityInput): Check[] {
  const { meta, object, stored } = input;
  const checks: Check[] = [];
  const integrity = (
    id: string,
    name: string,
    expected: string | number,
    actual: string | number,
  ): Check => ({
    id,
    name,
    group: "integrity",
    status: expected === actual ? "pass" : "fail",
    expected,
    actual,
  });
  if (meta) {
    checks.push(integrity("size.sidecar", "size = sidecar", meta.size, stored.size));
    checks.push(integrity("sha256.sidecar", "sha256 = sidecar", meta.sha256, stored.hex));
  } else {
    checks.push({
      id: "sidecar",
      name: "sidecar",
      group: "integrity",
      status: "skip",
      detail:
        input.expectedSha256 === undefined
          ? "no .meta.json next to the local file: nothing to compare the sha256 with"
          : "no .meta.json next to the local file",
    });
  }
  if (input.expectedSha256 !== undefined)
    checks.push(
      integrity("sha256.expected", "sha256 = --sha256", input.expectedSha256, stored.hex),
    );
  if (object) {
    checks.push(integrity("size.object", "size = stored object (HEAD)", object.size, stored.size));
    const recorded = object.metadata["nbs-sha256"];
    if (recorded !== undefined)
      checks.push(
        integrity("sha256.object", "sha256 = object metadata nbs-sha256", recorded, stored.hex),
      );
    else
      checks.push({
        id: "sha256.object",
        name: "sha256 = object metadata nbs-sha256",
        group: "integrity",
        status: "skip",
        detail: "not recorded on the object (multipart upload)",
      });
    // A composite checksum of a multipart upload ("…-N") is not a whole-object sha256.
    const checksum = wholeObjectSha256(object.checksumSha256);
    if (checksum !== undefined)
      checks.push(
        integrity(
          "sha256.object-checksum",
          "sha256 = object checksum (x-amz-checksum-sha256)",
          checksum,
          stored.hex,
        ),
      );
    const db = object.metadata["nbs-db"];
    if (meta && db !== undefined)
      checks.push(integrity("db.object", "db name = object metadata nbs-db", meta.db_name, db));
  }
  if (meta?.compression && input.original) {
    checks.push(
      integrity(
        "size.original",
        `uncompressed size = sidecar (${meta.compression.algorithm})`,
        meta.compression.original_size,
        input.original.size,
      ),
    );
    checks.push(
      integrity(
        "sha256.original",
        `uncompressed sha256 = sidecar (${meta.compression.algorithm})`,
        meta.compression.original_sha256,
        input.original.hex,
      ),
    );
  }
  return checks;
}

function wholeObjectSha256(checksum: string | undefined): string | undefined {
  if (checksum === undefined || checksum.includes("-")) return undefined;
  try {
    return sha256Base64ToHex(checksum);
  } catch {
    return undefined;
  }
}

/** @deprecated the one stats type is `GraphStats` from `@nbs/metadata`; this alias stays for callers. */
export type SidecarStats = GraphStats;

/**
 * Counts found in the restored database against the sidecar's `stats`, per label and type too.
 * The rule: counts the sidecar marks `exact: false` (writes landed between counting and the stop)
 * are not compared; all others, exact or recorded before exactness was, must be equal.
 */
export function statsChecks(expected: GraphStats | undefined, actual: GraphStats): Check[] {
  if (!expected) {
    return [
      {
        id: "counts",
        name: "counts = sidecar stats",
        group: "neo4j",
        status: "skip",
        detail: "the sidecar has no stats (backup taken without NEO4J_URI/NEO4J_PASSWORD)",
      },
    ];
  }
  if (expected.exact === false) {
    // Comparing would raise a false alarm on a busy database; a loss cannot be told from the writes.
    const between =
      expected.counted_at_tx !== undefined && expected.dumped_at_tx !== undefined
        ? ` (transaction ${expected.counted_at_tx} when counted, ${expected.dumped_at_tx} when dumped)`
        : "";
    return [
      {
        id: "counts",
        name: "counts = sidecar stats",
        group: "neo4j",
        status: "skip",
        detail: `not comparable: transactions were committed between counting and the stop${between}, so the sidecar's counts do not describe the dump`,
      },
    ];
  }
  const count = (id: string, name: string, want: number, got: number): Check => ({
    id,
    name,
    group: "neo4j",
    status: want === got ? "pass" : "fail",
    expected: want,
    actual: got,
  });
  const checks = [
    count("count.nodes", "nodes", expected.nodes, actual.nodes),
    count("count.relationships", "relationships", expected.relationships, actual.relationships),
  ];
  const perName = (
    kind: "label" | "type",
    want: Record<string, number> | undefined,
    got: Record<string, number> | undefined,
  ) => {
    if (want === undefined) return;
    for (const name of [...new Set([...Object.keys(want), ...Object.keys(got ?? {})])].sort()) {
      checks.push(
        count(
          `count.${kind}.${name}`,
          `${kind === "label" ? ":" : "[:"}${name}${kind === "type" ? "]" : ""}`,
          want[name] ?? 0,
          got?.[name] ?? 0,
        ),
      );
    }
  };
  perName("label", expected.labels, actual.labels);
  perName("type", expected.relationship_types, actual.relationship_types);
  return checks;
}

export function failedChecks(checks: readonly Check[]): Check[] {
  return checks.filter((c) => c.status === "fail");
}

/** "sha256 = sidecar: expected 1a2b3c4d5e6f…, actual 9f8e7d6c5b4a…" — one clause per failed check. */
export function describeFailures(checks: readonly Check[]): string {
  return failedChecks(checks)
    .map((c) => `${c.name}: expected ${short(c.expected)}, actual ${short(c.actual)}`)
    .join("; ");
}

/** Hashes shortened to 12 hex digits for messages; everything else as is. */
export function short(value: string | number | undefined): string {
  if (typeof value === "string" && /^[0-9a-f]{64}$/.test(value)) return `${value.slice(0, 12)}…`;
  return value === undefined ? "—" : String(value);
}
