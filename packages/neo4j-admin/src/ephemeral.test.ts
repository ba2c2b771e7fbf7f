import { existsSync, readFileSync } from "node:fs";
import { appendFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fakeDriver } from "@nbs/testenv/doubles";
import { describe, expect, it } from "vitest";
import { EPHEMERAL_MARKER } from "./ephemeral-home.js";
import { createEphemeralInstance } from "./ephemeral.js";
import type { ServerProcesses } from "./server-processes.js";
import { fakeInstall, fakeRunner, tempDir } from "../test/fakes.js";

/** The server's processes as the instance sees them: `pids` run until killed, `lag` polls more. */
function fakeServer(home: () => string, pids: number[], lag = 0) {
  const events: string[] = [];
  const killed = new Set<number>();
  let polls = 0;
  const processes: ServerProcesses = {
    find: () => Promise.resolve(pids.filter((pid) => !killed.has(pid))),
    kill: (pid) => {
      killed.add(pid);
      events.push(`kill ${pid} (home ${existsSync(home()) ? "present" : "gone"})`);
    },
    gone: (pid) => {
      const gone = killed.has(pid) && polls++ >= lag;
      if (gone) events.push(`gone ${pid} (home ${existsSync(home()) ? "present" : "gone"})`);
      return Promise.resolve(gone);
    },
  };
  return { processes, events };
}

async function newInstance(processes: ServerProcesses) {
  const runner = fakeRunner(({ args }) => (args[0] === "--version" ? { stdout: "5.26.30\n" } : {}));
  const instance = await createEphemeralInstance({
    installDir: fakeInstall(),
    tmpRoot: tempDir("nbs-eph-root-"),
    runner,
    driverFactory: () => fakeDriver().driver,
    ports: { bolt: 7001, http: 7002 },
    processes,
  });
  const serverCalls = () => runner.runs.filter((r) => r.file.endsWith("/neo4j")).map((r) => r.args);
  return { instance, serverCalls };
}

describe("EphemeralInstance stop and dispose", () => {
  it("dispose kills the running server, waits until it is gone, then deletes the home: no graceful stop", async () => {
    let home = "";
    const server = fakeServer(() => home, [4242], 3);
    const { instance, serverCalls } = await newInstance(server.processes);
    home = instance.home;
    await instance.start();
    await instance.dispose();
    expect(server.events).toEqual(["kill 4242 (home present)", "gone 4242 (home present)"]);
    expect(serverCalls()).toEqual([["start"]]);
    expect(existsSync(home)).toBe(false);
    await instance.dispose(); // a second call does nothing
    expect(server.events).toHaveLength(2);
  });

  it("dispose also kills a server the instance does not know runs (a cancelled start)", async () => {
    let home = "";
    const server = fakeServer(() => home, [4243]);
    const { instance, serverCalls } = await newInstance(server.processes);
    home = instance.home;
    await instance.dispose();
    expect(server.events).toEqual(["kill 4243 (home present)", "gone 4243 (home present)"]);
    expect(serverCalls()).toEqual([]);
    expect(existsSync(home)).toBe(false);
  });

  it("stop stays graceful (`neo4j stop`), so a later load or check finds a clean store", async () => {
    let home = "";
    const server = fakeServer(() => home, [4244]);
    const { instance, serverCalls } = await newInstance(server.processes);
    home = instance.home;
    await instance.start();
    await instance.stop();
    expect(serverCalls()).toEqual([["start"], ["stop"]]);
    expect(server.events).toEqual([]);
    await instance.dispose();
  });

  it("falls back to `neo4j stop` where the processes cannot be found (no /proc)", async () => {
    const { instance, serverCalls } = await newInstance({
      find: () => Promise.resolve(undefined),
      kill: () => expect.fail("nothing to kill"),
      gone: () => Promise.resolve(true),
    });
    await instance.start();
    await instance.dispose();
    expect(serverCalls()).toEqual([["start"], ["stop"]]);
    expect(existsSync(instance.home)).toBe(false);
  });

  it("kills the server but deletes nothing when the home's marker is not its own", async () => {
    let home = "";
    const server = fakeServer(() => home, [4245]);
    const { instance } = await newInstance(server.processes);
    home = instance.home;
    await instance.start();
    await writeFile(join(home, EPHEMERAL_MARKER), "someone-else\n");
    await expect(instance.dispose()).rejects.toMatchObject({ code: "NOT_EPHEMERAL_HOME" });
    expect(server.events).toEqual(["kill 4245 (home present)", "gone 4245 (home present)"]);
    expect(existsSync(home)).toBe(true);
  });
});

describe("EphemeralInstance start when a picked port was taken meanwhile", () => {
  const BIND_ERROR = [
    "ERROR Failed to start Neo4j on 127.0.0.1:7474.",
    "Caused by: org.neo4j.configuration.helpers.PortBindException: An error occurred while trying to bind to the socket /127.0.0.1:7101",
    "Caused by: io.netty.channel.unix.Errors$NativeIoException: bind(..) failed with error(-98): Address already in use",
  ].join("\n");

  /**
   * `neo4j start` exits 1 with `log` in the user log on its first `clashes` calls, then succeeds.
   * `order` records the starts and the kills of the server processes (`pids`) in turn.
   */
  async function clashing(
    log: string,
    opts: {
      ports?: { bolt?: number; http?: number };
      clashes?: number;
      pids?: number[];
      /** Aborted by the first start, as Ctrl-C during it would. */
      abort?: AbortController;
    } = {},
  ) {
    let starts = 0;
    const order: string[] = [];
    const runner = fakeRunner(async ({ args, options }) => {
      if (args[0] === "--version") return { stdout: "5.26.30\n" };
      if (args[0] !== "start") return {};
      order.push("start");
      if (starts++ >= (opts.clashes ?? 1)) return {};
      opts.abort?.abort();
      await appendFile(join(options.cwd!, "logs", "neo4j.log"), `INFO Starting...\n${log}\n`);
      return { exitCode: 1, stdout: "Neo4j web server failed to start. See log for more info.\n" };
    });
    const picks = [7101, 7102, 7103, 7104, 7105, 7106];
    const uris: string[] = [];
    const killed = new Set<number>();
    const instance = await createEphemeralInstance({
      installDir: fakeInstall(),
      tmpRoot: tempDir("nbs-eph-root-"),
      runner,
      driverFactory: (uri) => {
        uris.push(uri);
        return fakeDriver().driver;
      },
      ...(opts.ports ? { ports: opts.ports } : {}),
      findPort: () => Promise.resolve(picks.shift()!),
      ...(opts.abort ? { signal: opts.abort.signal } : {}),
      processes: {
        find: () => Promise.resolve((opts.pids ?? []).filter((pid) => !killed.has(pid))),
        kill: (pid) => {
          killed.add(pid);
          order.push(`kill ${pid}`);
        },
        gone: (pid) => Promise.resolve(killed.has(pid)),
      },
    });
    const serverCalls = () =>
      runner.runs.filter((r) => r.file.endsWith("/neo4j")).map((r) => r.args[0]);
    const conf = () => readFileSync(join(instance.home, "conf", "neo4j.conf"), "utf8");
    return { instance, serverCalls, uris, conf, order };
  }

  it("starts again on newly picked ports when the server could not bind one (Address already in use)", async () => {
    const { instance, serverCalls, uris, conf, order } = await clashing(BIND_ERROR, {
      pids: [4301],
    });
    expect(instance.boltUri).toBe("bolt://127.0.0.1:7101");
    await instance.start();
    expect(serverCalls()).toEqual(["start", "start"]);
    // Whatever JVM the failed start left is killed before the second start.
    expect(order).toEqual(["start", "kill 4301", "start"]);
    expect(instance.boltUri).toBe("bolt://127.0.0.1:7103");
    expect(uris).toEqual(["bolt://127.0.0.1:7103"]);
    expect(conf()).toContain("server.bolt.listen_address=127.0.0.1:7103");
    expect(conf()).toContain("server.http.listen_address=127.0.0.1:7104");
    await instance.dispose();
  });

  it("does not start again when the start failed for another reason", async () => {
    const { instance, serverCalls } = await clashing("ERROR Failed to start: store is corrupt");
    await expect(instance.start()).rejects.toMatchObject({ code: "NEO4J_COMMAND_FAILED" });
    expect(serverCalls()).toEqual(["start"]);
    expect(instance.boltUri).toBe("bolt://127.0.0.1:7101");
    await instance.dispose();
  });

  it("never moves a port the caller fixed", async () => {
    const { instance, serverCalls, conf } = await clashing(BIND_ERROR, { ports: { bolt: 7001 } });
    await expect(instance.start()).rejects.toMatchObject({ code: "NEO4J_COMMAND_FAILED" });
    expect(serverCalls()).toEqual(["start"]);
    expect(conf()).toContain("server.bolt.listen_address=127.0.0.1:7001");
    await instance.dispose();
  });

  it("does not start again when the port in use is not one it picked (another port of the install)", async () => {
    const other = BIND_ERROR.replaceAll("127.0.0.1:7101", "127.0.0.1:6362").replace(
      "127.0.0.1:7474",
      "127.0.0.1:6362",
    );
    const { instance, serverCalls } = await clashing(other);
    await expect(instance.start()).rejects.toMatchObject({ code: "NEO4J_COMMAND_FAILED" });
    expect(serverCalls()).toEqual(["start"]);
    await instance.dispose();
  });

  it("gives up after 3 starts when every pick is taken, with the start's own error", async () => {
    const always = [7101, 7103, 7105]
      .map((p) => BIND_ERROR.replaceAll("7101", String(p)))
      .join("\n");
    const { instance, serverCalls } = await clashing(always, { clashes: 99 });
    await expect(instance.start()).rejects.toMatchObject({ code: "NEO4J_COMMAND_FAILED" });
    expect(serverCalls()).toEqual(["start", "start", "start"]);
    await instance.dispose();
  });

  it("does not start again once the run was cancelled during the start", async () => {
    const abort = new AbortController();
    const { instance, serverCalls } = await clashing(BIND_ERROR, { abort });
    await expect(instance.start()).rejects.toBeDefined();
    expect(serverCalls()).toEqual(["start"]);
    await instance.dispose();
  });
});
