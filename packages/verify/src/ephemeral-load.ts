import { type BackupMeta } from "@nbs/metadata";
import { NbsError, isNbsError, type NbsErrorCode } from "@nbs/errors";
import {
  Neo4jCommandError,
  captureStats,
  createEphemeralInstance,
  type DriverFactory,
  type EphemeralInstance,
  type ProcessRunner,
  type ServerProcesses,
} from "@nbs/neo4j-admin";
import { statfs } from "node:fs/promises";
import type { GraphStats } from "@nbs/metadata";
import { statsChecks, type Check } from "./checks.js";
import type { VerifyEventSink } from "./events.js";
import { schemaChecks, schemaMismatchError } from "./schema-checks.js";
import {
  contentProof,
  loadedTransaction,
  transactionCheck,
  transactionMismatchError,
  type ContentProof,
} from "./content-proof.js";
import { checkIndexes } from "./index-checks.js";
import { firstLine } from "./first-line.js";

export interface SmokeQuery {
  cypher: string;
  /** The query passes when it returns at least this many rows. */
  minRows: number;
}

export interface RestoreInput {
  mode: "check" | "load";
  dumpPath: string;
  installDir: string;
  runner: ProcessRunner;
  driverFactory?: DriverFactory;
  processes?: ServerProcesses;
  database: string;
  /** Parent of the ephemeral home (the verification's workspace). */
  tmpRoot: string;
  meta: BackupMeta | undefined;
  smoke?: SmokeQuery | undefined;
  signal?: AbortSignal | undefined;
  onEvent: VerifyEventSink;
  /** Record a check as soon as it is decided, so a later failure keeps it in the report. */
  record: (check: Check) => void;
  /** Record how long a step took. */
  time: <T>(step: string, work: () => Promise<T>) => Promise<T>;
  /** Called once the instance exists, so the caller can dispose of it whatever happens next. */
  adopt: (instance: EphemeralInstance) => void;
  /** How long to wait for POPULATING indexes after the start (`load`); default 10 minutes. */
  indexTimeoutMs?: number | undefined;
  /** Event names start with this (default "verify"). */
  eventPrefix?: string;
}

export interface RestoreResult {
  neo4j: { version: string; edition: string; database: string };
  counts?: GraphStats;
  /** What proved the loaded store holds the recorded state (besides the bytes' sha256). */
  proof: ContentProof;
}

/**
 * Restore into an EPHEMERAL Neo4j (own home under the workspace, random loopback ports, random
 * password; never the operator's instance), compare the loaded store's last transaction with the
 * sidecar's `dumped_at_tx`, then either consistency-check it (`check`) or start it, wait for its
 * indexes, and compare counts, schema and a smoke query (`load`). No client can write to it, so
 * what is compared is what the dump holds. Failures throw NEO4J errors (exit 6).
 */
export async function restoreAndProve(input: RestoreInput): Promise<RestoreResult> {
  const { onEvent, record } = input;
  const instance = await input.time("neo4j_prepare", () =>
    createEphemeralInstance({
      installDir: input.installDir,
      runner: input.runner,
      ...(input.driverFactory ? { driverFactory: input.driverFactory } : {}),
      ...(input.processes ? { processes: input.processes } : {}),
      database: input.database,
      tmpRoot: input.tmpRoot,
      ...(input.signal ? { signal: input.signal } : {}),
    }),
  );
  input.adopt(instance);
  const version = instance.installation.version;
  const neo4j = {
    version: version.raw,
    edition: instance.installation.edition,
    database: input.database,
  };
  onEvent(`${prefixOf(input)}.neo4j.instance`, {
    version: version.raw,
    edition: neo4j.edition,
    database: input.database,
    dump_neo4j_version: input.meta?.neo4j?.version,
  });
  const dumpMajor = Number(input.meta?.neo4j?.version.split(".")[0]);
  if (Number.isFinite(dumpMajor) && dumpMajor !== version.major) {
    onEvent(`${prefixOf(input)}.neo4j.version-mismatch`, {
      message: `the dump was taken with Neo4j ${input.meta?.neo4j?.version}; loading it with ${version.raw}`,
    });
  }

  await step(
    input,
    "neo4j.load",
    `load into an ephemeral Neo4j ${version.raw}`,
    "neo4j_load",
    () => instance.load(input.dumpPath),
    (e) => ({
      code: "DUMP_LOAD_FAILED",
      message: `the dump did not load into an ephemeral Neo4j ${version.raw}: ${e.message}`,
      hint: "the dump is truncated or corrupt, or was taken by an incompatible Neo4j version (see the output tail in the report)",
    }),
  );
  const tx = transactionCheck(
    input.meta?.stats,
    await loadedTransaction(input.runner, instance, input.database, input.signal),
  );
  record(tx);
  const txError = transactionMismatchError(tx);
  if (txError) throw txError;
  if (input.mode === "check") {
    await step(
      input,
      "neo4j.check",
      "neo4j-admin consistency check",
      "neo4j_check",
      () => instance.check(),
      (e) => ({
        code: "CONSISTENCY_CHECK_FAILED",
        message: `neo4j-admin found the restored database inconsistent: ${e.message}`,
        hint: "do not rely on this backup; take a new one and check the source database (--keep-workspace keeps neo4j-admin's report)",
      }),
    );
    return { neo4j, proof: contentProof([tx]) };
  }

  onEvent(`${prefixOf(input)}.neo4j.starting`, { home: instance.home });
  await step(
    input,
    "neo4j.start",
    "start the ephemeral Neo4j",
    "neo4j_start",
    () => instance.start(),
    (e) => ({
      code: "RESTORE_START_FAILED",
      message: `the ephemeral Neo4j did not start with the restored database: ${e.message}`,
      hint: e.hint ?? "see the Neo4j logs (kept with --keep-workspace)",
    }),
  );
  const counts = await count(instance, input);
  onEvent(`${prefixOf(input)}.counts`, {
    nodes: counts.nodes,
    relationships: counts.relationships,
    indexes: counts.schema?.indexes.length,
    constraints: counts.schema?.constraints.length,
  });
  const countChecks = statsChecks(input.meta?.stats, counts);
  countChecks.forEach(record);
  // Recorded before any verdict, so a report that fails on counts still lists the schema.
  const schema = schemaChecks(input.meta?.stats, counts.schema);
  schema.forEach(record);
  const indexError = await checkIndexes(instance.driver(), {
    database: input.database,
    of: "ephemeral",
    timeoutMs: input.indexTimeoutMs,
    signal: input.signal,
    events: { prefix: prefixOf(input), sink: onEvent },
    record,
  });
  const wrong = countChecks.filter((c) => c.status === "fail");
  if (wrong.length > 0) {
    const what = wrong.map((c) => `${c.name} expected ${c.expected}, found ${c.actual}`).join("; ");
    throw new NbsError(
      "COUNTS_MISMATCH",
      `the restored database's counts differ from the sidecar's stats: ${what}`,
      {
        hint: "the dump does not hold what was measured at backup time; do not rely on it",
      },
    );
  }
  const schemaError = schemaMismatchError(schema);
  if (schemaError) throw schemaError;
  if (indexError) throw indexError;
  if (input.smoke) await smoke(instance, input.smoke, input);
  return { neo4j, counts, proof: contentProof([tx, ...countChecks]) };
}

/** Count through the driver; a driver error here is the restored database failing, not a bug. */
async function count(instance: EphemeralInstance, input: RestoreInput) {
  try {
    return await input.time("counts", () => captureStats(instance.driver(), input.database));
  } catch (error) {
    if (input.signal?.aborted) throw error;
    const message = firstLine(error);
    input.record({
      id: "neo4j.counts",
      name: "count nodes and relationships",
      group: "neo4j",
      status: "fail",
      detail: message,
    });
    throw new NbsError(
      "COUNT_QUERY_FAILED",
      `counting nodes and relationships in the restored database failed: ${message}`,
      {
        hint: "the ephemeral Neo4j stopped answering or cannot read the restored store; run again with --keep-workspace and see its logs",
        cause: error,
      },
    );
  }
}

async function step(
  input: RestoreInput,
  id: string,
  name: string,
  timing: string,
  work: () => Promise<void>,
  explain: (error: NbsError) => { code: NbsErrorCode; message: string; hint: string },
): Promise<void> {
  try {
    await input.time(timing, work);
    input.record({ id, name, group: "neo4j", status: "pass" });
  } catch (error) {
    if (!isNbsError(error) || error.category === "ABORTED" || input.signal?.aborted) throw error;
    const tail = error instanceof Neo4jCommandError ? meaningfulTail(error.outputTail) : [];
    const free = await freeBytes(input.tmpRoot);
    input.record({
      id,
      name,
      group: "neo4j",
      status: "fail",
      detail: tail.length > 0 ? tail.join("\n") : error.message,
    });
    // A full workspace is a local disk problem (exit 3), not a bad backup: say so first.
    if (free !== undefined && free < FULL_BELOW_BYTES) {
      throw new NbsError(
        "DISK_FULL",
        `no space left in ${input.tmpRoot} (${free} bytes free): ${name} failed`,
        {
          hint: "pass a --work-dir with room for the dump and the restored database (several times the dump's size); nothing says the backup is bad",
          cause: error,
        },
      );
    }
    const { code, message, hint } = explain(
      tail.length > 0
        ? new NbsError(error.code, reason(tail), error.hint ? { hint: error.hint } : {})
        : error,
    );
    throw new NbsError(code, message, { hint, cause: error });
  }
}

/** A Neo4j step that failed with less than this free in the workspace failed for lack of space. */
const FULL_BELOW_BYTES = 1024 * 1024;

function freeBytes(dir: string): Promise<number | undefined> {
  return statfs(dir).then(
    (fs) => fs.bavail * fs.bsize,
    () => undefined,
  );
}

// neo4j-admin prints progress ("Files: 3/36, data: 8.1%") and a generic "--verbose" footer.
const NOISE = [/^Files: \d+\/\d+, data:/, /^Done: \d+ files/, /^Run with '--verbose'/];

/** The tool's output without progress noise: the last lines that say something. */
function meaningfulTail(output: string, lines = 8): string[] {
  return output
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !NOISE.some((re) => re.test(line)))
    .slice(-lines);
}

/** The line that explains a failure, for the one-line message: the first that reads like one, else the last. */
function reason(tail: readonly string[]): string {
  return (
    tail.find((line) => /fail|exception|error|invalid|corrupt/i.test(line)) ?? tail.at(-1) ?? ""
  );
}

async function smoke(
  instance: EphemeralInstance,
  query: SmokeQuery,
  input: RestoreInput,
): Promise<void> {
  const name = `smoke query returns ≥ ${query.minRows} row(s)`;
  let rows: number;
  try {
    rows = (await input.time("smoke", () => instance.query(query.cypher))).length;
  } catch (error) {
    if (input.signal?.aborted) throw error;
    const message = firstLine(error);
    input.record({ id: "smoke.query", name, group: "neo4j", status: "fail", detail: message });
    throw new NbsError("SMOKE_QUERY_FAILED", `the smoke query failed: ${message}`, {
      hint: "check the Cypher of --smoke-query against the restored database",
      cause: error,
    });
  }
  const ok = rows >= query.minRows;
  input.record({
    id: "smoke.query",
    name,
    group: "neo4j",
    status: ok ? "pass" : "fail",
    expected: `≥ ${query.minRows}`,
    actual: rows,
  });
  input.onEvent(`${prefixOf(input)}.smoke`, { rows, min_rows: query.minRows });
  if (!ok)
    throw new NbsError(
      "SMOKE_QUERY_TOO_FEW_ROWS",
      `the smoke query returned ${rows} row(s), expected at least ${query.minRows}`,
      { hint: "the restored graph lacks data the query expects" },
    );
}

function prefixOf(input: RestoreInput): string {
  return input.eventPrefix ?? "verify";
}
