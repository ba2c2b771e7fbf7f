import { describeInteg } from "@nbs/testenv";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { upload as runCli } from "@nbs/testenv/run-cli";

// A store that accepts TCP connections and never says a word: the first request (HEAD of the
// key) must time out on every attempt and end in exit 4, not wait forever.
let server: Server;
let port: number;
const sockets: Socket[] = [];
let connections = 0;

beforeAll(async () => {
  server = createServer((socket) => {
    connections++;
    sockets.push(socket);
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

function dump(): string {
  const path = join(mkdtempSync(join(tmpdir(), "nbs-dead-")), "neo4j-20261124T101500Z.dump");
  writeFileSync(path, randomBytes(1000));
  return path;
}

const env = {
  AWS_ACCESS_KEY_ID: "nbs-test",
  AWS_SECRET_ACCESS_KEY: "not-a-secret-nbs-test",
  AWS_REGION: "us-east-1",
  BACKUP_S3_BUCKET: "dead",
};

describeInteg("nbs-upload against a server that accepts and never answers", () => {
  for (const scheme of ["http", "https"] as const) {
    it(`retries each silent attempt and exits 4 naming the timeout and its flag (${scheme})`, async () => {
      const before = connections;
      const started = Date.now();
      // The SDK's bound per request is 3 attempts × (3 s + 1 s) + backoff (1 + 2 s) = 15 s
      // (deadServerBoundMs); the sidecar read, the first request, does not re-read a timeout.
      const run = await runCli(
        [
          "--file",
          dump(),
          "--allow-any-file",
          "--endpoint",
          `${scheme}://127.0.0.1:${port}`,
          "--request-timeout",
          "1s",
          "--connect-timeout",
          "1s",
          "--max-attempts",
          "3",
        ],
        env,
      );
      const seconds = (Date.now() - started) / 1000;
      expect(run.code, run.stderr).toBe(4);
      expect(seconds).toBeLessThan(15 + 5);
      expect(connections - before).toBe(3);
      const final = run.events.at(-1) as { code?: string; message?: string; hint?: string };
      expect(final.code).toBe("TIMEOUT");
      expect(final.message).toMatch(/timed out/);
      expect(final.hint).toMatch(/--request-timeout/);
    }, 60_000);
  }
});
