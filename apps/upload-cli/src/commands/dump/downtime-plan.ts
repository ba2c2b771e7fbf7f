import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import type { CliLogger } from "@nbs/cli-kit";
import { NbsError } from "@nbs/errors";
import {
  databaseStoreBytes,
  type DumpStepTiming,
  type Neo4jInstallation,
  type SnapshotOptions,
} from "@nbs/neo4j-admin";

/** One recorded stop window: how long a store of this size kept the server down. */
export interface DowntimeRecord {
  store_bytes: number;
  downtime_ms: number;
  at: string;
}

/** `<state dir>/downtime.json`: the last stop window per Neo4j home, database and mode. */
type DowntimeState = Record<string, DowntimeRecord>;

type DowntimeMode = "dump" | "snapshot";

/** Where the dump rate is kept: --state-dir, else $XDG_STATE_HOME/nbs, else ~/.local/state/nbs. */
function defaultStateDir(env: Record<string, string | undefined>): string {
  const base = env["XDG_STATE_HOME"] || join(env["HOME"] || homedir(), ".local", "state");
  return join(base, "nbs");
}

function stateKey(home: string, db: string, mode: DowntimeMode): string {
  return `${home}|${db}|${mode}`;
}

async function readDowntimeState(stateDir: string): Promise<DowntimeState> {
  const text = await readFile(join(stateDir, "downtime.json"), "utf8").catch(() => "{}");
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed !== null && typeof parsed === "object" ? (parsed as DowntimeState) : {};
  } catch {
    return {};
  }
}

/**
 * The downtime a store of `storeBytes` is expected to cause: the last recorded window of this
 * home, database and mode, scaled by store size (the same rate in bytes per ms).
 */
export function estimateDowntime(
  record: DowntimeRecord | undefined,
  storeBytes: number,
): number | undefined {
  if (record === undefined || !(record.downtime_ms >= 0)) return undefined;
  if (!(record.store_bytes > 0)) return record.downtime_ms;
  return Math.ceil((record.downtime_ms * storeBytes) / record.store_bytes);
}

export interface DowntimePlanInput {
  home: string;
  db: string;
  mode: DowntimeMode;
  storeBytes: number;
  maxDowntimeMs: number | undefined;
  stateDir: string;
  logger: CliLogger;
}

/**
 * Before the stop: estimate the downtime from the store size and the last recorded rate, and
 * refuse (DOWNTIME_LIMIT_EXCEEDED) when it exceeds --max-downtime. Returns how to record this
 * run's window afterwards (a failed write of the state only warns).
 */
async function planDowntime(input: DowntimePlanInput) {
  const key = stateKey(input.home, input.db, input.mode);
  const state = await readDowntimeState(input.stateDir);
  const record = state[key];
  const estimateMs = estimateDowntime(record, input.storeBytes);
  if (input.maxDowntimeMs !== undefined) {
    if (estimateMs === undefined) {
      input.logger.log("warn", "dump.downtime.unknown", {
        message: `no recorded ${input.mode}-mode downtime for ${input.db} in ${input.stateDir}: --max-downtime cannot be checked before this first run, which records it`,
      });
    } else if (estimateMs > input.maxDowntimeMs) {
      throw new NbsError(
        "DOWNTIME_LIMIT_EXCEEDED",
        `estimated downtime ${seconds(estimateMs)} s exceeds --max-downtime ${seconds(input.maxDowntimeMs)} s (store ${mib(input.storeBytes)} MiB at the rate of the ${record!.at} ${input.mode}: ${mib(record!.store_bytes)} MiB in ${seconds(record!.downtime_ms)} s)`,
        {
          hint:
            input.mode === "dump"
              ? "use --snapshot auto (the server is down only for the copy), or raise --max-downtime; Neo4j was not stopped"
              : "raise --max-downtime or back up when a longer stop is acceptable; Neo4j was not stopped",
        },
      );
    }
  }
  return {
    estimateMs,
    async record(downtimeMs: number, at: Date): Promise<void> {
      const next: DowntimeState = {
        ...(await readDowntimeState(input.stateDir)),
        [key]: { store_bytes: input.storeBytes, downtime_ms: downtimeMs, at: at.toISOString() },
      };
      const file = join(input.stateDir, "downtime.json");
      try {
        await mkdir(input.stateDir, { recursive: true, mode: 0o700 });
        await writeFile(`${file}.tmp`, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
        await rename(`${file}.tmp`, file);
      } catch (error) {
        input.logger.log("warn", "dump.downtime.state", {
          message: `cannot record the downtime in ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}): --max-downtime will estimate from an older run`,
        });
      }
    },
  };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

function mib(bytes: number): number {
  return Math.ceil(bytes / 1024 / 1024);
}

export interface StopWindowInput {
  settings: {
    db: string;
    snapshot: "off" | "copy" | "reflink" | "auto";
    snapshotDir: string | undefined;
    maxDowntime: number | undefined;
    stateDir: string | undefined;
  };
  inst: Neo4jInstallation;
  /** Where the snapshot goes when --snapshot-dir is not set. */
  defaultSnapshotDir: string;
  env: Record<string, string | undefined>;
  logger: CliLogger;
}

/**
 * What both dump commands do around the stop: size the store, check --max-downtime, choose the
 * snapshot options, log the restart with its downtime, and record the window for the next estimate.
 */
export async function planStopWindow(input: StopWindowInput) {
  const { settings, inst, logger } = input;
  const mode: DowntimeMode = settings.snapshot === "off" ? "dump" : "snapshot";
  const storeBytes = await databaseStoreBytes(inst, settings.db);
  const plan = await planDowntime({
    home: inst.home,
    db: settings.db,
    mode,
    storeBytes,
    maxDowntimeMs: settings.maxDowntime,
    stateDir: settings.stateDir ?? defaultStateDir(input.env),
    logger,
  });
  const snapshot: SnapshotOptions | undefined =
    settings.snapshot === "off"
      ? undefined
      : { mode: settings.snapshot, stagingDir: settings.snapshotDir ?? input.defaultSnapshotDir };
  logger.log("info", "dump.window", {
    mode,
    store_bytes: storeBytes,
    ...(snapshot ? { snapshot: snapshot.mode, snapshot_dir: snapshot.stagingDir } : {}),
    ...(plan.estimateMs === undefined ? {} : { estimated_downtime_ms: plan.estimateMs }),
  });
  let copyMethod: unknown;
  return {
    snapshot,
    /** For --json: the snapshot's mode and how the store was copied (reflink or copy). */
    snapshotResult: () =>
      snapshot === undefined
        ? {}
        : {
            snapshot: {
              mode: snapshot.mode,
              method: typeof copyMethod === "string" ? copyMethod : null,
            },
          },
    /** Each step's duration, as a debug event (the breakdown of the window and what precedes it). */
    onStep: (timing: DumpStepTiming): void => {
      if (timing.step === "copy" && timing.ok) copyMethod = timing.detail?.["method"];
      logger.log(timing.step === "copy" ? "info" : "debug", "dump.step", {
        step: timing.step,
        duration_ms: timing.durationMs,
        ok: timing.ok,
        ...timing.detail,
      });
    },
    onRestarted: (downtimeMs: number | undefined): void => {
      logger.log("info", "dump.restarted", {
        downtime_ms: downtimeMs ?? null,
        ...(downtimeMs === undefined
          ? {
              message:
                "the downtime was not measured (it is probed over Bolt: set NEO4J_URI and NEO4J_PASSWORD)",
            }
          : {}),
      });
    },
    /** After a successful dump: keep its window for the next --max-downtime estimate. */
    async record(downtimeMs: number | undefined): Promise<void> {
      if (downtimeMs !== undefined) await plan.record(downtimeMs, new Date());
    },
  };
}
