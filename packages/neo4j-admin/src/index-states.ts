import type { Driver } from "neo4j-driver";

/** One index of a running database as `SHOW INDEXES` describes its state. */
export interface IndexState {
  name: string;
  /** `ONLINE`, `POPULATING` or `FAILED` (Neo4j's words). */
  state: string;
  /** How far population got (0–100), when Neo4j says. */
  population_percent?: number;
  /** Neo4j's reason for a FAILED index (first line). */
  failure?: string;
}

export interface WaitForIndexesOptions {
  /** How long to wait for POPULATING indexes; 0 reads once. */
  timeoutMs: number;
  /** Between two reads. Default 1 s. */
  intervalMs?: number;
  signal?: AbortSignal;
  /** Told after each read that found an index still populating. */
  onPopulating?: (states: IndexState[]) => void;
}

export interface IndexesSettled {
  /** The states at the last read, sorted by name. */
  states: IndexState[];
  /** False when an index was still POPULATING when the wait ended. FAILED and ONLINE are final. */
  settled: boolean;
}

/**
 * Read the index states of a running database until none is POPULATING or `timeoutMs` passed.
 * An index dumped while populating, or whose files were left out, is rebuilt after a start;
 * a FAILED one stays FAILED until it is dropped. The caller decides what each state means.
 */
export async function waitForIndexes(
  driver: Driver,
  database: string,
  options: WaitForIndexesOptions,
): Promise<IndexesSettled> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const states = await readIndexStates(driver, database);
    const settled = states.every((index) => index.state !== "POPULATING");
    if (settled || Date.now() >= deadline || options.signal?.aborted) return { states, settled };
    options.onPopulating?.(states);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1_000));
  }
}

/** Every index of `database` with its state, sorted by name. */
async function readIndexStates(driver: Driver, database: string): Promise<IndexState[]> {
  // YIELD *: failureMessage is a verbose column; 4.4 and 5.x both have it there.
  const { records } = await driver.executeQuery(
    "SHOW INDEXES YIELD *",
    {},
    { database, routing: "READ" },
  );
  return records
    .map((record): IndexState => {
      const percent: unknown = record.has("populationPercent")
        ? record.get("populationPercent")
        : undefined;
      const failure: unknown = record.has("failureMessage") ? record.get("failureMessage") : "";
      const state = String(record.get("state"));
      return {
        name: String(record.get("name")),
        state,
        ...(typeof percent === "number" ? { population_percent: percent } : {}),
        ...(state === "FAILED" && typeof failure === "string" && failure !== ""
          ? { failure: failure.split("\n")[0]!.trim() }
          : {}),
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
