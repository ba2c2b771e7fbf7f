import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import neo4j from "neo4j-driver";
import type { Driver } from "neo4j-driver";
import { NbsError } from "@nbs/errors";
import {
  buildCheckCommand,
  buildLoadCommand,
  buildSetInitialPasswordCommand,
  dumpFileName,
} from "./commands.js";
import { renderEphemeralConf } from "./ephemeral-conf.js";
import { assertEphemeralHome, createEphemeralHome } from "./ephemeral-home.js";
import { serverCommand } from "./installation.js";
import type { Neo4jCommand, Neo4jInstallation } from "./installation.js";
import { locateNeo4j } from "./locate.js";
import { portClashSince, userLogMark } from "./port-clash.js";
import { findFreePort } from "./ports.js";
import { runNeo4jCommand } from "./run-command.js";
import type { ProcessRunner } from "./runner.js";
import { killServer, procServerProcesses } from "./server-processes.js";
import type { ServerProcesses } from "./server-processes.js";
import { waitForBolt } from "./wait-for-bolt.js";

export type DriverFactory = (uri: string, auth: { username: string; password: string }) => Driver;

export interface EphemeralInstanceOptions {
  /** The Neo4j installation to borrow bin/ and lib/ from. Its own data is never touched. */
  installDir: string;
  runner: ProcessRunner;
  signal?: AbortSignal;
  /**
   * Fixed ports; each one left out is a free port on 127.0.0.1. With none fixed, when a port
   * picked free is taken by another process before the server binds it, `start()` picks new ones
   * and starts again (at most 3 starts in all).
   */
  ports?: { bolt?: number; http?: number };
  /** How a free port is picked (default: bind port 0 on 127.0.0.1 and read the kernel's choice). */
  findPort?: () => Promise<number>;
  /** The database the instance serves by default (a Community server serves one). Default "neo4j". */
  database?: string;
  /** Where the temporary home is created. Default: the OS temp directory. */
  tmpRoot?: string;
  driverFactory?: DriverFactory;
  /** Per neo4j-admin command. Default 10 minutes. */
  commandTimeoutMs?: number;
  /** For `start()` to see Bolt answer. Default 2 minutes. */
  startTimeoutMs?: number;
  /** How `dispose()` finds and kills the server (default: /proc on Linux). */
  processes?: ServerProcesses;
}

export interface EphemeralInstance {
  readonly home: string;
  /** Where Bolt listens; its port can change when `start()` had to pick new ports. */
  readonly boltUri: string;
  readonly database: string;
  readonly installation: Neo4jInstallation;
  /** Load a dump file over `database` (default: the instance's) while the instance is stopped. */
  load(dumpPath: string, database?: string): Promise<void>;
  /** Run neo4j-admin's consistency check on a stopped database; throws Neo4jCommandError if it fails. */
  check(database?: string): Promise<void>;
  start(): Promise<void>;
  /** The instance's shared driver (closed by stop/dispose). */
  driver(): Driver;
  /** A new driver to this instance, closed by the caller. */
  newDriver(): Driver;
  query(cypher: string, params?: Record<string, unknown>): Promise<Record<string, unknown>[]>;
  /** Graceful `neo4j stop`: the store is left clean, for `load`, `check` or another start. */
  stop(): Promise<void>;
  /**
   * Throw the instance away: SIGKILL its server (its data is deleted next, so nothing needs
   * flushing), wait until no process of it runs, delete the temporary home. A graceful stop
   * only where the processes cannot be found (no /proc). Safe to call more than once.
   */
  dispose(): Promise<void>;
}

const USER = "neo4j";

/** Starts of an ephemeral instance whose picked port was taken before its server bound it. */
const START_ATTEMPTS = 3;

/** A throwaway Neo4j in its own temp home with random loopback ports and a generated password. */
export async function createEphemeralInstance(
  options: EphemeralInstanceOptions,
): Promise<EphemeralInstance> {
  const { runner, signal } = options;
  const timeoutMs = options.commandTimeoutMs ?? 600_000;
  const source = await locateNeo4j({ home: options.installDir, runner, signal });
  const database = options.database ?? "neo4j";
  const findPort = options.findPort ?? findFreePort;
  const pickPorts = async () => ({
    bolt: options.ports?.bolt ?? (await findPort()),
    http: options.ports?.http ?? (await findPort()),
  });
  let ports = await pickPorts();
  const { home, token } = await createEphemeralHome({
    installDir: source.home,
    family: source.version.family,
    tmpRoot: options.tmpRoot ?? tmpdir(),
    boltPort: ports.bolt,
    httpPort: ports.http,
    database,
  });
  const installation: Neo4jInstallation = { ...source, home, confDir: join(home, "conf") };
  const run = (command: Neo4jCommand) =>
    runNeo4jCommand(runner, command, { cwd: home, timeoutMs, signal });

  const password = randomBytes(16).toString("hex");
  try {
    await run(buildSetInitialPasswordCommand(installation, password));
  } catch (error) {
    await rm(home, { recursive: true, force: true });
    throw error;
  }

  let boltUri = `bolt://127.0.0.1:${ports.bolt}`;
  const makeDriver: DriverFactory =
    options.driverFactory ??
    ((uri, auth) =>
      neo4j.driver(uri, neo4j.auth.basic(auth.username, auth.password), {
        disableLosslessIntegers: true,
        // A loopback server of our own: the driver's default 30 s of retries would only hide a
        // server that died while starting from waitForBolt's check between its probes.
        maxTransactionRetryTime: 2_000,
      }));
  let driver: Driver | undefined;
  let running = false;
  let disposed = false;

  /**
   * Closes the driver and SIGKILLs the server's processes (its data is thrown away or was never
   * served); a graceful `neo4j stop` where they cannot be found (no /proc).
   */
  const killLeftServer = async (okExitCodes: number[]): Promise<void> => {
    await driver?.close();
    driver = undefined;
    if (!(await killServer(home, options.processes ?? procServerProcesses))) {
      await runNeo4jCommand(runner, serverCommand(installation, "stop"), {
        cwd: home,
        timeoutMs,
        okExitCodes,
      });
    }
    running = false;
  };

  const startOnce = async (): Promise<void> => {
    // Marked before the command: if start is aborted or fails half-way, a JVM may already be
    // up, and stop()/dispose() must still try to stop it (`neo4j stop` is a no-op otherwise).
    running = true;
    await run(serverCommand(installation, "start"));
    driver ??= makeDriver(boltUri, { username: USER, password });
    await waitForBolt(driver, {
      database,
      timeoutMs: options.startTimeoutMs ?? 120_000,
      signal,
      logHint: `see ${join(home, "logs")} (deleted on dispose)`,
      exitedPid: () => exitedPid(join(home, "run", "neo4j.pid")),
    });
  };

  const instance: EphemeralInstance = {
    home,
    get boltUri() {
      return boltUri;
    },
    database,
    installation,
    async load(dumpPath, db = database) {
      if (running)
        throw new NbsError(
          "INSTANCE_STATE_INVALID",
          "stop the ephemeral instance before loading a dump",
        );
      await assertEphemeralHome(home, token);
      const loadDir = await mkdtemp(join(home, "load", "dump-"));
      try {
        // 5.x reads `<db>.dump` from --from-path; a link avoids copying a large file.
        await symlink(resolve(dumpPath), join(loadDir, dumpFileName(db)));
        await run(buildLoadCommand(installation, db, loadDir));
      } finally {
        await rm(loadDir, { recursive: true, force: true });
      }
    },
    async check(db = database) {
      if (running)
        throw new NbsError(
          "INSTANCE_STATE_INVALID",
          "stop the ephemeral instance before checking a database",
        );
      await assertEphemeralHome(home, token);
      await run(buildCheckCommand(installation, db, join(home, "reports")));
    },
    async start() {
      if (running) return;
      for (let attempt = 1; ; attempt += 1) {
        const mark = await userLogMark(home);
        try {
          await startOnce();
          return;
        } catch (error) {
          const fixed = options.ports?.bolt !== undefined || options.ports?.http !== undefined;
          if (fixed || attempt >= START_ATTEMPTS || signal?.aborted) throw error;
          if (!(await portClashSince(home, mark, [ports.bolt, ports.http]))) throw error;
          // Another process took a port between its pick and the server's bind: the server
          // exited at start. Make sure no JVM of it is left, then start on newly picked ports.
          await killLeftServer([0, 1, 2, 3]);
          ports = await pickPorts();
          await assertEphemeralHome(home, token);
          await writeFile(
            join(home, "conf", "neo4j.conf"),
            renderEphemeralConf(source.version.family, {
              home,
              boltPort: ports.bolt,
              httpPort: ports.http,
              database,
            }),
            { mode: 0o600 },
          );
          boltUri = `bolt://127.0.0.1:${ports.bolt}`;
        }
      }
    },
    driver() {
      if (!running || driver === undefined)
        throw new NbsError("INSTANCE_STATE_INVALID", "start the ephemeral instance first");
      return driver;
    },
    newDriver() {
      return makeDriver(boltUri, { username: USER, password });
    },
    async query(cypher, params = {}) {
      const { records } = await instance.driver().executeQuery(cypher, params, { database });
      return records.map((record) => record.toObject() as Record<string, unknown>);
    },
    async stop() {
      await driver?.close();
      driver = undefined;
      if (!running) return;
      // Cleanup ignores the abort signal: a cancelled run must still stop its server.
      await runNeo4jCommand(runner, serverCommand(installation, "stop"), {
        cwd: home,
        timeoutMs,
        okExitCodes: [0, 3],
      });
      running = false;
    },
    async dispose() {
      if (disposed) return;
      try {
        // Whatever `running` says: a cancelled start may have left a JVM behind. Not running as
        // far as this instance knows, `neo4j stop` may find none (its other exit codes).
        await killLeftServer(running ? [0, 3] : [0, 1, 2, 3]);
      } finally {
        await assertEphemeralHome(home, token);
        await rm(home, { recursive: true, force: true });
        disposed = true;
      }
    },
  };
  return instance;
}

/** The pid in Neo4j's pid file when that process no longer exists (a kill leaves the file). */
async function exitedPid(pidFile: string): Promise<number | undefined> {
  const pid = Number((await readFile(pidFile, "utf8").catch(() => "")).trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH" ? pid : undefined;
  }
  // Killed but not yet reaped (its parent, `neo4j start`, is gone; init reaps it): a zombie.
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return /^\d+ \(.*\) Z/.test(stat) ? pid : undefined;
}
