import { NbsError } from "@nbs/errors";
import { waitForIndexes, type IndexesSettled, type IndexState } from "@nbs/neo4j-admin";
import type { Check } from "./checks.js";
import type { VerifyEventSink } from "./events.js";
import { firstLine } from "./first-line.js";

type IndexDriver = Parameters<typeof waitForIndexes>[0];

/** How long to wait for POPULATING indexes after a start, unless told otherwise. */
export const DEFAULT_INDEX_TIMEOUT_MS = 600_000;

export interface CheckIndexesInput {
  database: string;
  of: IndexesOf;
  /** Default {@link DEFAULT_INDEX_TIMEOUT_MS}. */
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** `<prefix>.indexes.populating` while waiting, `<prefix>.indexes` at the end. */
  events: { prefix: string; sink: VerifyEventSink };
  record: (check: Check) => void;
}

/**
 * Wait (bounded) until no index of a started database is POPULATING, record one check per
 * index, and return the error its states call for (undefined when all are ONLINE).
 */
export async function checkIndexes(
  driver: IndexDriver,
  input: CheckIndexesInput,
): Promise<NbsError | undefined> {
  const timeoutMs = input.timeoutMs ?? DEFAULT_INDEX_TIMEOUT_MS;
  const { prefix, sink } = input.events;
  const result = await waitForIndexes(driver, input.database, {
    timeoutMs,
    signal: input.signal,
    onPopulating: (states) =>
      sink(`${prefix}.indexes.populating`, {
        populating: states.filter((i) => i.state === "POPULATING").map((i) => i.name),
        timeout_s: Math.round(timeoutMs / 1000),
      }),
  }).catch((error: unknown) => {
    if (input.signal?.aborted) throw error;
    const message = firstLine(error);
    input.record({
      id: `${input.of === "served" ? "served." : ""}index.states`,
      name: "read the index states",
      group: "neo4j",
      status: "fail",
      detail: message,
    });
    throw new NbsError(
      input.of === "served" ? "RESTORE_COUNT_FAILED" : "COUNT_QUERY_FAILED",
      `reading the index states of the restored database failed: ${message}`,
      {
        hint:
          input.of === "served"
            ? "Neo4j was started with the restored data; read its logs before serving from it"
            : "the ephemeral Neo4j stopped answering; run again with --keep-workspace and see its logs",
        cause: error,
      },
    );
  });
  indexStateChecks(result, input.of).forEach(input.record);
  sink(`${prefix}.indexes`, {
    indexes: result.states.length,
    online: result.states.filter((i) => i.state === "ONLINE").length,
    failed: result.states.filter((i) => i.state === "FAILED").map((i) => i.name),
  });
  return indexStateError(result, input.of, timeoutMs);
}

/** Where the indexes were read: the private ephemeral instance, or the operator's server after a restore. */
type IndexesOf = "ephemeral" | "served";

/** One check per index: ONLINE passes; FAILED, or POPULATING when the wait ended, fails. */
function indexStateChecks(result: IndexesSettled, of: IndexesOf): Check[] {
  return result.states.map((index) => ({
    id: `${of === "served" ? "served." : ""}index.state.${index.name}`,
    name: `index ${index.name} online${of === "served" ? " (restored server)" : ""}`,
    group: "neo4j" as const,
    status: index.state === "ONLINE" ? ("pass" as const) : ("fail" as const),
    expected: "ONLINE",
    actual: describeState(index),
    ...(index.failure ? { detail: index.failure } : {}),
  }));
}

/**
 * A FAILED index is a schema failure: the restored database cannot use it (queries fall back to
 * scans, a failed constraint index enforces nothing) and Neo4j never repairs it by itself.
 * INDEX_FAILED for that; INDEX_NOT_ONLINE for one still populating when the bounded wait ended.
 */
function indexStateError(
  result: IndexesSettled,
  of: IndexesOf,
  waitedMs: number,
): NbsError | undefined {
  const where =
    of === "served" ? "the restored database" : "the dump, loaded into an ephemeral Neo4j,";
  const failed = result.states.filter((i) => i.state === "FAILED");
  if (failed.length > 0)
    return new NbsError(
      "INDEX_FAILED",
      `${where} has ${failed.length === 1 ? "a FAILED index" : "FAILED indexes"}: ${failed.map((i) => `${i.name}${i.failure ? ` (${i.failure})` : ""}`).join("; ")}`,
      {
        hint:
          of === "served"
            ? "Neo4j runs with the restored data but cannot use that index; drop and recreate it (SHOW INDEXES YIELD createStatement) and check why it failed in the logs"
            : "the backed-up database holds an index that is FAILED; drop and recreate it on the source (SHOW INDEXES YIELD createStatement), then take a new backup",
      },
    );
  const populating = result.states.filter((i) => i.state !== "ONLINE");
  if (populating.length === 0) return undefined;
  return new NbsError(
    "INDEX_NOT_ONLINE",
    `${where} still has ${populating.map((i) => `${i.name} ${describeState(i)}`).join(", ")} after waiting ${Math.round(waitedMs / 1000)} s for its indexes`,
    {
      hint:
        of === "served"
          ? "Neo4j runs with the restored data and is still building the index; watch SHOW INDEXES until it is ONLINE, or restore again with a longer --index-timeout"
          : "a large index is still being built: run again with a longer --index-timeout",
    },
  );
}

function describeState(index: IndexState): string {
  return index.state === "POPULATING" && index.population_percent !== undefined
    ? `POPULATING ${index.population_percent.toFixed(1)}%`
    : index.state;
}
