import { NbsError, isNbsError } from "@nbs/errors";
import type { BackupMeta } from "@nbs/metadata";
import type {
  DriverFactory,
  EphemeralInstance,
  ProcessRunner,
  ServerProcesses,
} from "@nbs/neo4j-admin";
import type { Check, SidecarStats } from "./checks.js";
import type { ContentProof } from "./content-proof.js";
import type { VerifyEventSink } from "./events.js";
import { restoreAndProve } from "./ephemeral-load.js";

/** The private Neo4j a restore first loads the dump into; defaults are the operator's runner and the real driver. */
export interface ProofInstanceOptions {
  runner?: ProcessRunner;
  driverFactory?: DriverFactory;
  processes?: ServerProcesses;
}

export interface ProveBeforeLoadInput {
  dumpPath: string;
  meta: BackupMeta | undefined;
  /** The operator's installation: the ephemeral instance borrows its bin/ and lib/, never its data. */
  neo4jHome: string;
  runner: ProcessRunner;
  database: string;
  /** The restore's workspace: the ephemeral home is made (and removed) under it. */
  workspaceDir: string;
  instance?: ProofInstanceOptions | undefined;
  indexTimeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  onEvent: VerifyEventSink;
  time: <T>(step: string, work: () => Promise<T>) => Promise<T>;
}

export interface ProvenDump {
  checks: Check[];
  counts: SidecarStats;
  proof: ContentProof;
}

/**
 * Before a restore stops the operator's server: load the verified dump into a private ephemeral
 * Neo4j (random loopback ports and password: no application can write to it), and prove there
 * what the dump holds — its last transaction against `dumped_at_tx`, its indexes ONLINE, its
 * counts and schema against the sidecar. Counting on the real server after its start would race
 * the applications writing to it. A failure throws and leaves the server untouched.
 */
export async function proveBeforeLoad(input: ProveBeforeLoadInput): Promise<ProvenDump> {
  let instance: EphemeralInstance | undefined;
  const checks: Check[] = [];
  try {
    const result = await restoreAndProve({
      mode: "load",
      dumpPath: input.dumpPath,
      installDir: input.neo4jHome,
      runner: input.instance?.runner ?? input.runner,
      ...(input.instance?.driverFactory ? { driverFactory: input.instance.driverFactory } : {}),
      ...(input.instance?.processes ? { processes: input.instance.processes } : {}),
      database: input.database,
      tmpRoot: input.workspaceDir,
      meta: input.meta,
      signal: input.signal,
      onEvent: input.onEvent,
      record: (check) => checks.push(check),
      time: (step, work) => input.time(`proof_${step}`, work),
      adopt: (adopted) => (instance = adopted),
      indexTimeoutMs: input.indexTimeoutMs,
      eventPrefix: "restore.proof",
    });
    return { checks, counts: result.counts!, proof: result.proof };
  } catch (error) {
    if (!isNbsError(error) || input.signal?.aborted) throw error;
    throw untouched(error, input.neo4jHome);
  } finally {
    // Gone before the real server is stopped: its memory and its copy of the store.
    await instance?.dispose().catch(() => undefined);
  }
}

/** The proof's failure, saying the server was not touched; differing counts are RESTORE_COUNTS_DIFFER. */
function untouched(error: NbsError, home: string): NbsError {
  const counts = error.code === "COUNTS_MISMATCH";
  const hint = counts
    ? "the dump does not hold what was measured at backup time; nothing was changed: restore an older backup (nbs-verify list) and investigate this one"
    : error.hint;
  return new NbsError(
    counts ? "RESTORE_COUNTS_DIFFER" : error.code,
    `${error.message} (proved in a private ephemeral Neo4j before the restore; Neo4j at ${home} was not stopped and its data not replaced)`,
    { ...(hint ? { hint } : {}), cause: error },
  );
}
