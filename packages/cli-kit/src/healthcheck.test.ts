import { NbsError } from "@nbs/errors";
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { runMain } from "@nbs/testenv/doubles";
import { afterEach, describe, expect, it } from "vitest";
import { LOG_SETTINGS, defineCommand, resolveSettings, runCli } from "./index.js";

// Dead-man pings through runCli, against a real HTTP receiver on 127.0.0.1.

interface Ping {
  method: string;
  path: string;
  rid: string | null;
  body: string;
}

const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

/** A receiver; `answer` decides the response (or never answers). */
async function receiver(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const pings: Ping[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      pings.push({
        method: req.method ?? "",
        path: url.pathname,
        rid: url.searchParams.get("rid"),
        body,
      });
      answer(req, res);
    });
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  // The token is the check's secret: it must never be printed.
  const token = `hc-${Math.random().toString(36).slice(2)}${Date.now()}`;
  return { pings, token, url: `http://127.0.0.1:${port}/ping/${token}` };
}

const TABLE = { ...LOG_SETTINGS };
const command = (fail: boolean, healthcheck = true) =>
  defineCommand({
    name: "backup",
    describe: "back up",
    settings: TABLE,
    resolve: (flags, env, file) => {
      const { settings, origins } = resolveSettings(TABLE, flags, env, file);
      return { settings: { ...settings, json: true }, origins };
    },
    run: () =>
      fail
        ? Promise.reject(new NbsError("BACKUP_STALE", "neo4j: the newest backup is old"))
        : Promise.resolve({ outcome: "uploaded" }),
    healthcheck,
  });

async function cli(env: Record<string, string>, fail = false, healthcheck = true) {
  const { code, err, out, events } = await runMain(
    (argv, env, io) =>
      runCli({
        program: "nbs-x",
        version: "1",
        usage: "$0",
        commands: [command(fail, healthcheck)],
        argv,
        env,
        io,
      }),
    [],
    { NBS_VERBOSE: "true", ...env },
  );
  return { code, err, out, events };
}

const ok = (_req: IncomingMessage, res: ServerResponse) => res.end("OK");

describe("dead-man pings (NBS_HEALTHCHECK_URL)", () => {
  it("pings /start before the work and the bare URL after a success, one run id", async () => {
    const hc = await receiver(ok);
    const run = await cli({ NBS_HEALTHCHECK_URL: hc.url });
    expect(run.code).toBe(0);
    expect(hc.pings.map((p) => [p.method, p.path, p.body])).toEqual([
      ["POST", `/ping/${hc.token}/start`, "nbs-x backup: started"],
      ["POST", `/ping/${hc.token}`, "nbs-x backup: ok"],
    ]);
    expect(hc.pings[0]!.rid).toMatch(/^[0-9a-f-]{36}$/);
    expect(hc.pings[1]!.rid).toBe(hc.pings[0]!.rid);
    expect(run.events.filter((e) => e["event"] === "healthcheck.failed")).toEqual([]);
  });

  it("pings /<exit code> after a failure, with the error code in the body; the exit code is the run's", async () => {
    const hc = await receiver(ok);
    const run = await cli({ NBS_HEALTHCHECK_URL: `${hc.url}/` }, true);
    expect(run.code).toBe(7);
    expect(hc.pings.map((p) => [p.path, p.body])).toEqual([
      [`/ping/${hc.token}/start`, "nbs-x backup: started"],
      [`/ping/${hc.token}/7`, "nbs-x backup: exit 7 BACKUP_STALE"],
    ]);
  });

  it("a receiver that never answers: each ping gives up after NBS_HEALTHCHECK_TIMEOUT, the run still ends ok", async () => {
    const hc = await receiver(() => {});
    const run = await cli({ NBS_HEALTHCHECK_URL: hc.url, NBS_HEALTHCHECK_TIMEOUT: "300ms" });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ ok: true, outcome: "uploaded" });
    expect(hc.pings.map((p) => p.path)).toEqual([`/ping/${hc.token}/start`, `/ping/${hc.token}`]);
    const warned = run.events.filter((e) => e["event"] === "healthcheck.failed");
    expect(warned.map((e) => [e["level"], e["kind"]])).toEqual([
      ["warn", "start"],
      ["warn", "success"],
    ]);
    expect(warned[0]!["message"]).toMatch(
      /got no answer within 300 ms; the run's outcome is unchanged/,
    );
  });

  it("a receiver answering 500, or none listening: warned, the outcome unchanged", async () => {
    const hc = await receiver((_req, res) => {
      res.statusCode = 500;
      res.end("boom");
    });
    const run = await cli({ NBS_HEALTHCHECK_URL: hc.url }, true);
    expect(run.code).toBe(7);
    expect(hc.pings).toHaveLength(2);
    expect(run.events.find((e) => e["event"] === "healthcheck.failed")?.["message"]).toMatch(
      /answered HTTP 500/,
    );
    // Nothing listening: a refused connection.
    const closed = await receiver(ok);
    servers.pop()!.close();
    const refused = await cli({ NBS_HEALTHCHECK_URL: closed.url });
    expect(refused.code).toBe(0);
    expect(refused.events.find((e) => e["event"] === "healthcheck.failed")?.["message"]).toMatch(
      /failed \(ECONNREFUSED\)/,
    );
  });

  it("never prints the URL: not in the log, the --json document or a warning", async () => {
    for (const answer of [ok, (_q: IncomingMessage, r: ServerResponse) => void r.destroy()]) {
      const hc = await receiver(answer);
      for (const fail of [false, true]) {
        const run = await cli({ NBS_HEALTHCHECK_URL: hc.url, NBS_HEALTHCHECK_TIMEOUT: "2s" }, fail);
        expect(hc.pings.length).toBeGreaterThan(0);
        expect(run.err).not.toContain(hc.token);
        expect(run.out).not.toContain(hc.token);
        expect(run.err).not.toContain("127.0.0.1:");
      }
    }
  });

  it("only a command marked for it pings; an invalid timeout is a usage error", async () => {
    const hc = await receiver(ok);
    expect((await cli({ NBS_HEALTHCHECK_URL: hc.url }, false, false)).code).toBe(0);
    expect(hc.pings).toEqual([]);
    const bad = await cli({ NBS_HEALTHCHECK_URL: hc.url, NBS_HEALTHCHECK_TIMEOUT: "soon" });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/invalid duration "soon" for NBS_HEALTHCHECK_TIMEOUT/);
  });
});
