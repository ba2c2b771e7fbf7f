import { NbsError } from "@nbs/errors";
import type { GraphStats } from "@nbs/metadata";
import { storeTransactionId, type EphemeralInstance, type ProcessRunner } from "@nbs/neo4j-admin";
import type { Check } from "./checks.js";
import { firstLine } from "./first-line.js";

/**
 * What proved that the loaded dump holds the state the backup recorded, beyond its sha256 (which
 * proves only that the bytes are the ones uploaded): counts equal to exact sidecar stats, the
 * loaded store's last committed transaction equal to the sidecar's `dumped_at_tx`, both, or none.
 */
export type ContentProofMethod =
  "exact-counts+transaction-id" | "exact-counts" | "transaction-id" | "none";

export interface ContentProof {
  method: ContentProofMethod;
  /** In words, with the reason a proof was not available. */
  detail: string;
}

const TX_CHECK = "transaction.dumped";

/**
 * The loaded store's last committed transaction (read by `neo4j-admin database info` before the
 * start) against the sidecar's `dumped_at_tx` (read the same way from the stopped store that was
 * dumped). Equal ids prove the dump holds the database at that transaction, also when the counts
 * are inexact because clients wrote between counting and the stop.
 */
export function transactionCheck(stats: GraphStats | undefined, loaded: number | string): Check {
  const base = {
    id: TX_CHECK,
    name: "last committed transaction = sidecar dumped_at_tx",
    group: "neo4j" as const,
  };
  if (stats?.dumped_at_tx === undefined)
    return {
      ...base,
      status: "skip",
      detail: stats
        ? "the sidecar records no dumped_at_tx (Neo4j 4.x, or the stopped store could not be read at backup time)"
        : "the sidecar has no stats (backup taken without NEO4J_URI/NEO4J_PASSWORD)",
    };
  if (typeof loaded === "string")
    return { ...base, status: "skip", expected: stats.dumped_at_tx, detail: loaded };
  return {
    ...base,
    status: loaded === stats.dumped_at_tx ? "pass" : "fail",
    expected: stats.dumped_at_tx,
    actual: loaded,
  };
}

/** TRANSACTION_MISMATCH (exit 6) when the transaction check failed; else undefined. */
export function transactionMismatchError(check: Check): NbsError | undefined {
  if (check.id !== TX_CHECK || check.status !== "fail") return undefined;
  return new NbsError(
    "TRANSACTION_MISMATCH",
    `the dump holds the database at transaction ${check.actual}, but its sidecar says it was dumped at transaction ${check.expected}`,
    {
      hint: "the dump is not the state this backup recorded (another or an older dump under this sidecar); do not rely on it, restore another backup (nbs-verify list) and take a new one",
    },
  );
}

/** Which proof the checks that ran gave; call after every check passed. */
export function contentProof(checks: readonly Check[]): ContentProof {
  const counts = checks.some((c) => c.id === "count.nodes" && c.status === "pass");
  const tx = checks.find((c) => c.id === TX_CHECK);
  const txPassed = tx?.status === "pass";
  const parts = [
    counts
      ? "node, relationship, label and type counts equal the sidecar's exact stats"
      : `counts not compared: ${checks.find((c) => c.id === "counts")?.detail ?? "not counted in this mode"}`,
    txPassed
      ? `the loaded store's last committed transaction is the sidecar's dumped_at_tx ${tx.expected}`
      : `transaction id not compared: ${tx?.detail ?? "not read"}`,
  ];
  const method: ContentProofMethod =
    counts && txPassed
      ? "exact-counts+transaction-id"
      : counts
        ? "exact-counts"
        : txPassed
          ? "transaction-id"
          : "none";
  return { method, detail: parts.join("; ") };
}

/**
 * The last committed transaction of the dump loaded into a STOPPED ephemeral instance, or why it
 * is unknown (a sentence): `neo4j-admin database info` exists from Neo4j 5 on.
 */
export async function loadedTransaction(
  runner: ProcessRunner,
  instance: EphemeralInstance,
  database: string,
  signal: AbortSignal | undefined,
): Promise<number | string> {
  try {
    const tx = await storeTransactionId(runner, instance.installation, database, {
      signal,
      timeoutMs: 600_000,
    });
    return (
      tx ?? "neo4j-admin database info did not report the loaded store's last committed transaction"
    );
  } catch (error) {
    if (signal?.aborted) throw error;
    const message = firstLine(error);
    return `neo4j-admin database info failed: ${message}`;
  }
}
