import { NbsError, isNbsError, type NbsErrorCode } from "@nbs/errors";
import { toStorageError } from "@nbs/s3-store";
import { integrityChecks, type Check } from "./checks.js";
import { fetchHashing } from "./download.js";
import type { VerifyProgress } from "./events.js";
import type { ResolvedSource } from "./source.js";
import type { Stopwatch } from "./stopwatch.js";

export type Digests = Awaited<ReturnType<typeof fetchHashing>>;

export interface FetchAndProveInput {
  source: ResolvedSource;
  /** Where the dump is written; undefined: hash only. */
  dest: string | undefined;
  /** The sha256 recorded elsewhere (`--sha256`), compared besides the sidecar. */
  sha256: string | undefined;
  /** The code (and hint) for a local file that cannot be read. */
  unreadable: { code: NbsErrorCode; hint?: string };
  clock: Stopwatch;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: VerifyProgress) => void) | undefined;
}

/**
 * Download the source (timed as `download`), hashing while streaming, and compare what arrived
 * with every record of it. The caller decides what a failed check means; storage and file
 * errors are thrown as NbsErrors.
 */
export async function fetchAndProve(
  input: FetchAndProveInput,
): Promise<{ digests: Digests; checks: Check[] }> {
  const { source } = input;
  const digests = await input.clock.time("download", () => fetchFrom(input));
  const checks = integrityChecks({
    meta: source.meta,
    object: source.object,
    stored: digests.stored,
    ...(digests.original ? { original: digests.original } : {}),
    expectedSha256: input.sha256,
  });
  return { digests, checks };
}

async function fetchFrom({ source, dest, signal, onProgress, unreadable }: FetchAndProveInput) {
  try {
    const stream = await source.open(signal);
    return await fetchHashing(stream, dest, {
      total: source.size,
      compression: source.meta?.compression?.algorithm,
      signal,
      onProgress,
    });
  } catch (error) {
    if (isNbsError(error) || signal?.aborted) throw error;
    if (source.kind === "file")
      throw new NbsError(
        unreadable.code,
        `cannot read ${source.location}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        { ...(unreadable.hint ? { hint: unreadable.hint } : {}), cause: error },
      );
    throw toStorageError(error, { bucket: source.bucket!, key: source.key!, op: "download" });
  }
}
