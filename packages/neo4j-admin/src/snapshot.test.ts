import { execFileSync } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { constants, copyFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { DumpStepTiming } from "./dump-timing.js";
import { dumpDatabase } from "./dump-database.js";
import { basename, fakeInstall, fakeRunner, tempDir } from "../test/fakes.js";
import type { RecordedRun } from "../test/fakes.js";

const now = () => new Date("2026-03-04T05:06:07.890Z");

/**
 * A running server whose store is real files: the dump reads `<data>/databases/<db>/store` of
 * whichever home its NEO4J_CONF names, and fails while that home's server runs.
 */
async function storeServer(options: { dumpFails?: boolean } = {}) {
  const home = fakeInstall();
  await mkdir(join(home, "data", "databases", "neo4j"), { recursive: true });
  await mkdir(join(home, "data", "transactions", "neo4j"), { recursive: true });
  await writeFile(join(home, "data", "databases", "neo4j", "store"), "live-store");
  await writeFile(join(home, "data", "transactions", "neo4j", "tx.0"), "tx-log");
  let running = true;
  const runner = fakeRunner(async ({ file, args, options: run }: RecordedRun) => {
    if (args[0] === "--version") return { stdout: "5.26.30\n" };
    if (basename(file) === "neo4j") {
      if (args[0] === "status") return { exitCode: running ? 0 : 3 };
      running = args[0] === "start";
      return {};
    }
    if (args[1] === "dump") {
      const dumpHome = run.env?.["NEO4J_CONF"]?.replace(/\/conf$/, "") ?? home;
      if (dumpHome === home && running) return { exitCode: 1, stderr: "database is in use" };
      if (options.dumpFails) return { exitCode: 1, stderr: "injected" };
      const store = await readFile(join(dumpHome, "data", "databases", "neo4j", "store"), "utf8");
      const toPath = args.find((a) => a.startsWith("--to-path="))!.slice("--to-path=".length);
      await writeFile(join(toPath, "neo4j.dump"), `DZV1-${store}`);
    }
    return {};
  });
  return { home, runner };
}

const steps = (runs: RecordedRun[]) =>
  runs.map((r) => `${basename(r.file)} ${r.args.slice(0, 2).join(" ")}`);

describe("dumpDatabase in snapshot mode", () => {
  it("stops, copies the store, starts again, then dumps the copy; the copy is removed", async () => {
    const { home, runner } = await storeServer();
    const [outDir, staging] = [tempDir("nbs-out-"), tempDir("nbs-staging-")];
    const restartedAfter: string[] = [];
    const result = await dumpDatabase({
      home,
      db: "neo4j",
      outDir,
      runner,
      now,
      snapshot: { mode: "copy", stagingDir: staging },
      onRestarted: () => restartedAfter.push(...steps(runner.runs)),
    });
    expect(steps(runner.runs)).toEqual([
      "neo4j status",
      "neo4j stop",
      "neo4j start",
      "neo4j-admin database dump",
    ]);
    expect(restartedAfter.at(-1)).toBe("neo4j start");
    // The dump read the copy (the live home's server was running by then).
    expect(await readFile(result.path, "utf8")).toBe("DZV1-live-store");
    expect(await readdir(staging)).toEqual([]);
  });

  it("removes the copy when the dump of it fails; the server was started before", async () => {
    const { home, runner } = await storeServer({ dumpFails: true });
    const [outDir, staging] = [tempDir("nbs-out-"), tempDir("nbs-staging-")];
    await expect(
      dumpDatabase({
        home,
        db: "neo4j",
        outDir,
        runner,
        now,
        snapshot: { mode: "auto", stagingDir: staging },
      }),
    ).rejects.toMatchObject({ code: "NEO4J_COMMAND_FAILED" });
    expect(steps(runner.runs).slice(1)).toEqual([
      "neo4j stop",
      "neo4j start",
      "neo4j-admin database dump",
    ]);
    expect(await readdir(staging)).toEqual([]);
    expect(await readdir(outDir)).toEqual([]);
  });

  it("refuses before the stop when the staging directory lacks the store's size plus the margin", async () => {
    const { home, runner } = await storeServer();
    const [outDir, staging] = [tempDir("nbs-out-"), tempDir("nbs-staging-")];
    const error = await dumpDatabase({
      home,
      db: "neo4j",
      outDir,
      runner,
      now,
      snapshot: { mode: "copy", stagingDir: staging, marginBytes: Number.MAX_SAFE_INTEGER },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SNAPSHOT_DISK_SPACE_LOW" });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^the snapshot directory ${staging} has \\d+ MiB free; the copy of neo4j needs 1 MiB \\+ \\d+ MiB margin$`,
      ),
    );
    expect(steps(runner.runs)).not.toContain("neo4j stop");
    expect(await readdir(staging)).toEqual([]);
  });

  it("starts the server again when the copy fails, and dumps nothing", async () => {
    const { home, runner } = await storeServer();
    const [outDir, staging] = [tempDir("nbs-out-"), tempDir("nbs-staging-")];
    // A FIFO in the store: the copy fails (ERR_FS_CP_FIFO_PIPE) while the server is stopped.
    execFileSync("mkfifo", [join(home, "data", "databases", "neo4j", "pipe")]);
    const error = await dumpDatabase({
      home,
      db: "neo4j",
      outDir,
      runner,
      now,
      snapshot: { mode: "copy", stagingDir: staging },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SNAPSHOT_COPY_FAILED" });
    expect((error as Error).message).toMatch(/^cannot copy the stopped store of neo4j to /);
    expect(steps(runner.runs).slice(1)).toEqual(["neo4j stop", "neo4j start"]);
    expect(await readdir(staging)).toEqual([]);
    expect(await readdir(outDir)).toEqual([]);
  });

  it("says how the store was copied: cloned where the filesystem can (auto), else copied", async () => {
    const staging = tempDir("nbs-staging-");
    // What this filesystem can do, asked the same way (a forced clone of a small file).
    writeFileSync(join(staging, "probe"), "x");
    let clones = true;
    try {
      copyFileSync(
        join(staging, "probe"),
        join(staging, "probe-clone"),
        constants.COPYFILE_FICLONE_FORCE,
      );
    } catch {
      clones = false;
    }
    for (const mode of ["auto", "copy"] as const) {
      const { home, runner } = await storeServer();
      const copies: DumpStepTiming[] = [];
      await dumpDatabase({
        home,
        db: "neo4j",
        outDir: tempDir("nbs-out-"),
        runner,
        now,
        snapshot: { mode, stagingDir: staging },
        onStep: (timing) => {
          if (timing.step === "copy") copies.push(timing);
        },
      });
      const expected = mode === "auto" && clones ? "reflink" : "copy";
      expect(copies).toMatchObject([{ ok: true, detail: { method: expected, bytes: 16 } }]);
    }
  });
});
