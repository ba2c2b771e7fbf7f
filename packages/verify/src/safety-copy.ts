import { mkdir, mkdtemp, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { sha256File } from "@nbs/checksum";
import { NbsError } from "@nbs/errors";
import {
  buildBackupMeta,
  formatBackupTimestamp,
  serializeBackupMeta,
  type ToolInfo,
} from "@nbs/metadata";
import {
  detectDumpFormat,
  dumpStoppedDatabase,
  loadStoppedDatabase,
  type Neo4jInstallation,
  type ProcessRunner,
} from "@nbs/neo4j-admin";
import type { VerifyEventSink } from "./events.js";
import { firstLine } from "./first-line.js";
import { deleteQuietly } from "./workspace.js";

/** The dump of the data a restore replaced, with its sidecar: the way back. Never deleted by nbs. */
export interface SafetyCopy {
  file: string;
  sidecar: string;
  sha256: string;
  size: number;
  /** True when a failed load was undone by loading this copy back. */
  loaded_back?: boolean;
}

export interface SafetyCopyInput {
  inst: Neo4jInstallation;
  db: string;
  /** Parent of the copy's own directory (`<db>-<timestamp>-<random>/`). */
  parentDir: string;
  runner: ProcessRunner;
  tool: ToolInfo;
  now: () => Date;
  timeoutMs?: number;
  onEvent: VerifyEventSink;
}

/** The hooks {@link loadDatabase} runs while the server is down, and what they made. */
export interface SafetyCopyHooks {
  beforeLoad: () => Promise<void>;
  afterFailedLoad: () => Promise<string | undefined>;
  made: () => SafetyCopy | undefined;
}

/**
 * Before the load, dump the database being replaced (with the usual sidecar); after a failed
 * load, load that dump back so the server starts with its previous data. A copy that cannot be
 * made cancels the load (RESTORE_SAFETY_COPY_FAILED).
 */
export function safetyCopyHooks(input: SafetyCopyInput): SafetyCopyHooks {
  let copy: SafetyCopy | undefined;
  let dir: string | undefined;
  const offline = () => ({
    installation: input.inst,
    db: input.db,
    dir: dir!,
    runner: input.runner,
    ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
  });
  return {
    made: () => copy,
    async beforeLoad() {
      const createdAt = input.now();
      try {
        await mkdir(input.parentDir, { recursive: true });
        dir = await mkdtemp(
          join(input.parentDir, `${input.db}-${formatBackupTimestamp(createdAt)}-`),
        );
        input.onEvent("restore.safety-copy.dump", { dir });
        copy = await describe(await dumpStoppedDatabase(offline()), input, createdAt);
      } catch (error) {
        if (dir) await deleteQuietly(dir);
        throw new NbsError(
          "RESTORE_SAFETY_COPY_FAILED",
          `the safety copy of ${input.db} could not be made under ${input.parentDir}: ${firstLine(error)}; nothing was loaded, and Neo4j was started again with its data unchanged`,
          {
            hint: "free space under --safety-dir (or name another directory), then restore again; --no-safety-copy replaces the data without a way back",
            cause: error,
          },
        );
      }
      input.onEvent("restore.safety-copy", { ...copy });
    },
    async afterFailedLoad() {
      if (!copy) return undefined;
      input.onEvent("restore.safety-copy.load-back", { file: copy.file });
      try {
        await loadStoppedDatabase(offline());
      } catch (error) {
        input.onEvent("restore.safety-copy.load-back-failed", {
          file: copy.file,
          message: firstLine(error),
        });
        return undefined;
      }
      copy.loaded_back = true;
      return copy.file;
    },
  };
}

async function describe(
  file: string,
  input: SafetyCopyInput,
  createdAt: Date,
): Promise<SafetyCopy> {
  const digest = await sha256File(file);
  const format = await detectDumpFormat(file);
  const meta = buildBackupMeta({
    sha256: digest.hex,
    size: digest.size,
    db_name: input.db,
    created_at: createdAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
    created_by: "nbs-verify restore (safety copy before replacing the database)",
    tool: input.tool,
    dump_format: format.kind,
    neo4j: {
      version: input.inst.version.raw,
      ...(input.inst.edition === "unknown" ? {} : { edition: input.inst.edition }),
    },
  });
  const sidecar = `${file}.meta.json`;
  await writeFile(`${sidecar}.tmp`, serializeBackupMeta(meta), { mode: 0o640 });
  await rename(`${sidecar}.tmp`, sidecar);
  return { file, sidecar, sha256: digest.hex, size: digest.size };
}
