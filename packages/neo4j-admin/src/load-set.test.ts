import { describe, expect, it } from "vitest";
import { loadDatabaseSet } from "./load-set.js";
import { basename, fakeInstall, fakeRunner, tempDir, type RecordedRun } from "../test/fakes.js";

const now = () => new Date("2026-03-04T05:06:07.890Z");

/** A running server; `neo4j-admin database dump|load <db>` are logged; `failLoad` fails that load once. */
function server(options: { failLoad?: string; failCopy?: string } = {}) {
  let running = true;
  let failLoad = options.failLoad;
  const log: string[] = [];
  const runner = fakeRunner(({ file, args }: RecordedRun) => {
    if (args[0] === "--version") return { stdout: "5.26.30\n" };
    if (basename(file) === "neo4j") {
      if (args[0] === "status") return { exitCode: running ? 0 : 3 };
      log.push(`neo4j ${args[0]}`);
      running = args[0] === "start";
      return {};
    }
    if (args[0] === "database" && (args[1] === "dump" || args[1] === "load")) {
      const db = args.find((a, i) => i > 1 && !a.startsWith("--"))!;
      const from = args.find((a) => a.startsWith("--from-path="))?.slice("--from-path=".length);
      log.push(`${args[1]} ${db}${from?.includes("nbs-safety") ? " (safety copy)" : ""}`);
      if (args[1] === "dump" && db === options.failCopy) return { exitCode: 1, stderr: "no space" };
      if (args[1] === "load" && db === failLoad) {
        failLoad = undefined;
        return { exitCode: 1, stderr: "corrupt" };
      }
    }
    return {};
  });
  return { runner, log };
}

async function restore(s: ReturnType<typeof server>) {
  const work = tempDir("nbs-set-");
  return loadDatabaseSet({
    home: fakeInstall(),
    members: [
      { db: "system", dir: `${work}/system` },
      { db: "neo4j", dir: `${work}/neo4j` },
    ],
    safetyDir: `${work}/nbs-safety`,
    runner: s.runner,
    now,
  });
}

describe("loadDatabaseSet", () => {
  it("stops once, keeps a safety copy of each database, loads system first, then the others, starts", async () => {
    const s = server();
    const result = await restore(s);
    expect(s.log).toEqual([
      "neo4j stop",
      "dump system",
      "dump neo4j",
      "load system",
      "load neo4j",
      "neo4j start",
    ]);
    expect(result.safetyCopies.map((c) => c.db)).toEqual(["system", "neo4j"]);
  });

  it("a failed load puts the safety copies back of every member loaded so far, starts, RESTORE_LOAD_FAILED", async () => {
    const s = server({ failLoad: "neo4j" });
    const error = await restore(s).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "RESTORE_LOAD_FAILED" });
    expect(s.log).toEqual([
      "neo4j stop",
      "dump system",
      "dump neo4j",
      "load system",
      "load neo4j",
      "load system (safety copy)",
      "load neo4j (safety copy)",
      "neo4j start",
    ]);
  });

  it("a safety copy that fails loads nothing and starts the server: RESTORE_SAFETY_COPY_FAILED", async () => {
    const s = server({ failCopy: "neo4j" });
    const error = await restore(s).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "RESTORE_SAFETY_COPY_FAILED" });
    expect(s.log).toEqual(["neo4j stop", "dump system", "dump neo4j", "neo4j start"]);
  });
});
