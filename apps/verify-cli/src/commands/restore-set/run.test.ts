import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakeNeo4jInstall, runMain, tempDir } from "@nbs/testenv/doubles";
import { main } from "../../main.js";

// restore-set's guards, end to end through the CLI: a fake installation whose bin/neo4j and
// neo4j-admin only log how they were called (so a stop or a load would show), a local set, and a
// Bolt URI where nothing listens. What is not real: Neo4j (the real-server run is sets.integ.test.ts).

const run = (argv: string[], env: Record<string, string> = {}) => runMain(main, argv, env);

/** A Neo4j 5.26 installation whose server is `running` or not; its commands go to calls.log. */
function fakeInstall(running: boolean): { home: string; calls: () => string[] } {
  // The scripts log to <home>/calls.log (`$0` is <home>/bin/<tool>).
  const script = `#!/bin/sh
echo "\${0##*/} $*" >> "\${0%/bin/*}/calls.log"
case "$*" in
  *--version*) echo "neo4j-admin 5.26.30" ;;
  status*) exit ${running ? 0 : 3} ;;
esac
exit 0
`;
  const home = fakeNeo4jInstall({ script });
  const log = join(home, "calls.log");
  // No log yet when nothing ran (the version comes from the kernel jar, without a JVM).
  const calls = () =>
    (existsSync(log) ? readFileSync(log, "utf8") : "")
      .trim()
      .split("\n")
      .filter((c) => c !== "" && !c.includes("--version"));
  return { home, calls };
}

/** A set of system and neo4j written as backup.sh writes one, taken with Neo4j `version`. */
function localSet(version: string): string {
  const outDir = tempDir("nbs-set-");
  const id = "20261206T100000Z";
  const members = ["system", "neo4j"].map((db) => {
    const bytes = Buffer.concat([Buffer.from("DZV1"), randomBytes(512)]);
    const key = `${db}-${id}.dump`;
    writeFileSync(join(outDir, key), bytes);
    return {
      db,
      key,
      sidecar_key: `${key}.meta.json`,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      size: bytes.length,
    };
  });
  mkdirSync(join(outDir, "sets"));
  const manifest = join(outDir, "sets", `${id}.json`);
  writeFileSync(
    manifest,
    JSON.stringify({
      schemaVersion: 1,
      kind: "nbs-set",
      id,
      created_at: "2026-12-06T10:00:00Z",
      created_by: "backup.sh@db1",
      tool: { name: "nbs-upload", version: "0.1.0" },
      neo4j: { version, edition: "community" },
      members,
    }),
  );
  return manifest;
}

/** A Bolt URI on a port where nothing listens. */
async function silentUri(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return `bolt://127.0.0.1:${port}`;
}

async function restoreSet(
  install: { home: string },
  manifest: string,
  extra: string[] = [],
  uri?: string,
): Promise<{ code: number; out: string; err: string; summary: string }> {
  const summary = join(tempDir("nbs-summary-"), "summary.md");
  const result = await run(
    [
      "restore-set",
      "--set-file",
      manifest,
      "--neo4j-home",
      install.home,
      "--summary-md",
      summary,
      "--json",
      ...extra,
    ],
    { NEO4J_URI: uri ?? (await silentUri()), NEO4J_PASSWORD: randomBytes(8).toString("hex") },
  );
  let text = "";
  try {
    text = readFileSync(summary, "utf8");
  } catch {
    // no summary written
  }
  return { ...result, summary: text };
}

describe("nbs-verify restore-set: restore's guards before anything is stopped", () => {
  it("--dry-run runs the checks and prints the plan; nothing fetched, stopped or loaded", async () => {
    const install = fakeInstall(false);
    const r = await restoreSet(install, localSet("5.26.30"), ["--dry-run"]);
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out) as Record<string, unknown>;
    expect(doc).toMatchObject({
      outcome: "dry-run",
      databases: ["system", "neo4j"],
      preflight: {
        server: { proven_by: "nothing_answers", neo4j_home: install.home },
        version: { dump: "5.26.30", loadable: "yes" },
      },
    });
    expect((doc["plan"] as string[]).join("\n")).toMatch(/stop Neo4j once[^]*load system, neo4j/);
    expect(install.calls()).toEqual(["neo4j status"]);
    expect(r.summary).toMatch(/restore-set: 📝 dry run/);
    expect(r.summary).toMatch(/the server is down and nothing answers there/);
  });

  it("refuses when the home's server is down yet something answers at the Bolt URI (RESTORE_SERVER_MISMATCH): no stop", async () => {
    // Another "server": it answers the Bolt handshake with no version it shares.
    const other = createServer((socket) => socket.once("data", () => socket.end(Buffer.alloc(4))));
    await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
    const { port } = other.address() as { port: number };
    try {
      const install = fakeInstall(false);
      const r = await restoreSet(
        install,
        localSet("5.26.30"),
        ["--force"],
        `bolt://127.0.0.1:${port}`,
      );
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/RESTORE_SERVER_MISMATCH/);
      expect(install.calls()).toEqual(["neo4j status"]);
      expect(r.summary).toMatch(/❌ failed[^]*RESTORE_SERVER_MISMATCH/);
    } finally {
      other.close();
    }
  });

  it("refuses a set taken with a newer Neo4j (RESTORE_VERSION_INCOMPATIBLE): no stop", async () => {
    const install = fakeInstall(false);
    const r = await restoreSet(install, localSet("2099.1.0"), ["--force"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/RESTORE_VERSION_INCOMPATIBLE/);
    expect(install.calls()).toEqual([]);
  });
});
