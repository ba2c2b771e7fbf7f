import { describe, expect, it } from "vitest";
import { dumpDatabase } from "./dump-database.js";
import type { DumpStepTiming } from "./dump-timing.js";
import { basename, fakeInstall, fakeRunner, tempDir } from "../test/fakes.js";
import type { RecordedRun } from "../test/fakes.js";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

/** A running server whose stop, dump and start answer at once; the dump writes a file. */
function server() {
  let running = true;
  return fakeRunner(async ({ file, args }: RecordedRun) => {
    if (basename(file) === "neo4j") {
      if (args[0] === "status") return { exitCode: running ? 0 : 3 };
      running = args[0] === "start";
      return {};
    }
    if (args[1] === "dump") {
      const toPath = args.find((a) => a.startsWith("--to-path="))!.slice("--to-path=".length);
      await writeFile(join(toPath, "neo4j.dump"), "DZV1-data");
    }
    return {};
  });
}

describe("the dump's step timings (onStep)", () => {
  it("reports each step of the window once, in order, with its duration", async () => {
    const timings: DumpStepTiming[] = [];
    await dumpDatabase({
      home: fakeInstall(),
      db: "neo4j",
      outDir: tempDir("nbs-out-"),
      runner: server(),
      now: () => new Date("2026-03-04T05:06:07Z"),
      onStep: (timing) => timings.push(timing),
    });
    expect(timings.map((t) => [t.step, t.ok])).toEqual([
      ["status", true],
      ["stop", true],
      ["dump", true],
      ["start", true],
    ]);
    for (const t of timings) expect(t.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("reports a failed step as not ok, and a reporter that throws changes nothing", async () => {
    const timings: DumpStepTiming[] = [];
    let running = true;
    const runner = fakeRunner(({ file, args }: RecordedRun) => {
      if (basename(file) === "neo4j") {
        if (args[0] === "status") return { exitCode: running ? 0 : 3 };
        running = args[0] === "start";
        return {};
      }
      return args[1] === "dump" ? { exitCode: 1, stderr: "disk full" } : {};
    });
    await expect(
      dumpDatabase({
        home: fakeInstall(),
        db: "neo4j",
        outDir: tempDir("nbs-out-"),
        runner,
        now: () => new Date(),
        onStep: (timing) => {
          timings.push(timing);
          throw new Error("a broken reporter");
        },
      }),
    ).rejects.toMatchObject({ code: "NEO4J_COMMAND_FAILED" });
    expect(timings.map((t) => [t.step, t.ok])).toEqual([
      ["status", true],
      ["stop", true],
      ["dump", false],
      ["start", true],
    ]);
    expect(running).toBe(true);
  });
});
