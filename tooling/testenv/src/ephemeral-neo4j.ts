import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import neo4j, { type Driver } from "neo4j-driver";
import { writeInitialPassword } from "./initial-password.ts";
import { DEFAULT_NEO4J_VERSION, neo4jAnswers, neo4jInstallDir } from "./neo4j.ts";
import { repoRoot } from "./services-env.ts";
import { stopNeo4jServer } from "./stop-server.ts";

const run = promisify(execFile);

/** A throwaway DBMS: its own home (bin/ and lib/ linked to the install), data and ports. */
export interface EphemeralNeo4j {
  home: string;
  version: string;
  uri: string;
  httpUrl: string;
  username: string;
  password: string;
  /** Runs `bin/neo4j-admin <args>`; rejects on a non-zero exit. */
  admin(args: readonly string[]): Promise<{ stdout: string; stderr: string }>;
  /** `bin/neo4j start`, then waits until HTTP accepts the credentials. */
  start(): Promise<void>;
  /** Stops the server and waits for its shutdown, as `bin/neo4j stop` does (stopNeo4jServer). */
  stop(): Promise<void>;
  driver(): Driver;
  /**
   * Stops whatever server runs in the home (its `run/neo4j.pid`, whoever started it: a CLI
   * under test may have stopped and started it since), then deletes the home.
   */
  remove(): Promise<void>;
}

export interface EphemeralNeo4jOptions {
  version?: string;
  /** Where to create the home; default the OS temp dir. */
  parentDir?: string;
  startTimeoutMs?: number;
  /** How a free port is picked (default: bind port 0 on 127.0.0.1 and read the kernel's choice). */
  pickPort?: () => Promise<number>;
}

/**
 * Creates (does not start) a Neo4j home from the cached install, installing it first when
 * needed (needs java and mvn). The initial password is set, auth is on.
 */
export async function createEphemeralNeo4j(
  options: EphemeralNeo4jOptions = {},
): Promise<EphemeralNeo4j> {
  const version = options.version ?? process.env["NEO4J_VERSION"] ?? DEFAULT_NEO4J_VERSION;
  const install = neo4jInstallDir(version);
  if (!existsSync(join(install, "lib", ".complete"))) {
    await run("bash", [join(repoRoot, "tooling/services/neo4j-install.sh"), version], {
      maxBuffer: 1 << 24,
    });
  }
  const home = await mkdtemp(join(options.parentDir ?? tmpdir(), "nbs-neo4j-"));
  await mkdir(join(home, "conf"));
  await symlink(join(install, "bin"), join(home, "bin"));
  await symlink(join(install, "lib"), join(home, "lib"));
  const template = await readFile(join(install, "conf", "neo4j.conf"), "utf8");
  // Ports picked free now are bound only at the start; when another process takes one in
  // between, the start picks new ones (as @nbs/neo4j-admin's ephemeral instance does).
  const usePorts = async (): Promise<{ boltPort: number; httpPort: number }> => {
    const pick = options.pickPort ?? freePort;
    const [boltPort, httpPort] = [await pick(), await pick()];
    const conf = template.replace(/:7687$/gm, `:${boltPort}`).replace(/:7474$/gm, `:${httpPort}`);
    await writeFile(join(home, "conf", "neo4j.conf"), conf);
    return { boltPort, httpPort };
  };
  const { boltPort, httpPort } = await usePorts();

  const env = { ...process.env, NEO4J_HOME: home, NEO4J_CONF: join(home, "conf") };
  const bin = (name: string, args: readonly string[]) =>
    run(join(home, "bin", name), [...args], { env, cwd: home, maxBuffer: 1 << 24 });
  const password = randomBytes(12).toString("hex");
  await writeInitialPassword(home, password);

  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const instance: EphemeralNeo4j = {
    home,
    version,
    uri: `bolt://127.0.0.1:${boltPort}`,
    httpUrl,
    username: "neo4j",
    password,
    admin: (args) => bin("neo4j-admin", args),
    async start() {
      for (let attempt = 1; ; attempt += 1) {
        const log = join(home, "logs", "neo4j.log");
        const mark = existsSync(log) ? (await readFile(log, "utf8")).length : 0;
        try {
          await bin("neo4j", ["start"]);
          break;
        } catch (error) {
          const said = existsSync(log) ? (await readFile(log, "utf8")).slice(mark) : "";
          if (attempt >= 3 || !/PortBindException|Address already in use/.test(said)) throw error;
          await stopNeo4jServer(home); // the server exited at start; nothing of it may stay
          const ports = await usePorts();
          instance.uri = `bolt://127.0.0.1:${ports.boltPort}`;
          instance.httpUrl = `http://127.0.0.1:${ports.httpPort}`;
        }
      }
      const httpUrl = instance.httpUrl;
      const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
      while (!(await neo4jAnswers(httpUrl, "neo4j", password))) {
        if (Date.now() > deadline) throw new Error(`Neo4j in ${home} not ready; see ${home}/logs`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    stop: () => stopNeo4jServer(home),
    driver: () => neo4j.driver(instance.uri, neo4j.auth.basic("neo4j", password)),
    async remove() {
      // Not only a server this object started: a CLI that restarts Neo4j (backup.sh, restore,
      // restore-set) may have started one after the test's own stop(). Skipping the stop then
      // left that server running in a deleted home (docs/ci-time.md, "A Neo4j left running").
      await stopNeo4jServer(home);
      await rm(home, { recursive: true, force: true });
    },
  };
  return instance;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}
