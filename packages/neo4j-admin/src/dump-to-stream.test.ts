import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { dumpDatabaseToStream, locateNeo4j, type DumpStream, type StreamExit } from "./index.js";
import { basename, fakeInstall, fakeRunner, type RecordedRun } from "../test/fakes.js";

const now = () => new Date("2026-03-04T05:06:07.890Z");
/** The first bytes of a real Neo4j 5.26 dump: "DZV1" + a zstd frame magic. */
const DUMP = Buffer.concat([
  Buffer.from("DZV1"),
  Buffer.from([0x28, 0xb5, 0x2f, 0xfd]),
  Buffer.alloc(64),
]);

/** A running server whose `dump --to-stdout` writes `stdout` and exits with `exit`. */
function simulator(dump: {
  stdout: Buffer;
  exit?: Partial<StreamExit>;
  endsOnKill?: boolean;
  /** `neo4j stop` exits 1 after its SIGTERM stopped the server anyway. */
  stopFails?: boolean;
}) {
  let running = true;
  const killed = { count: 0 };
  const runner = fakeRunner(({ file, args }: RecordedRun) => {
    if (args[0] === "--version") return { stdout: "5.26.30\n" };
    if (basename(file) === "neo4j") {
      if (args[0] === "status") return { exitCode: running ? 0 : 3 };
      running = args[0] === "start";
      if (args[0] === "stop" && dump.stopFails) return { exitCode: 1, stderr: "failed to stop" };
    }
    return {};
  });
  return {
    killed,
    runs: runner.runs,
    runner: {
      ...runner,
      stream(file: string, args: readonly string[]) {
        runner.runs.push({ file, args, options: {} });
        if (running) throw new Error("dumped while running");
        const ended = { exitCode: 0, stderr: "", timedOut: false, aborted: false, ...dump.exit };
        let end!: (exit: StreamExit) => void;
        const exit = dump.endsOnKill
          ? new Promise<StreamExit>((resolve) => (end = resolve))
          : Promise.resolve(ended);
        return {
          stdout: Readable.from([dump.stdout]),
          exit,
          kill: () => {
            killed.count += 1;
            // A real process ends a moment after the signal, not in the same tick.
            if (dump.endsOnKill) setImmediate(() => end({ ...ended, exitCode: null }));
          },
        };
      },
    },
  };
}

const steps = (runs: RecordedRun[]) =>
  runs.map((r) => `${basename(r.file)} ${r.args.slice(0, 2).join(" ")}`);

/** Reads everything, then waits for the process as an upload does before completing. */
async function readAll(dump: DumpStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of dump.bytes) chunks.push(chunk);
  await dump.exited;
  return Buffer.concat(chunks);
}

describe("dumpDatabaseToStream", () => {
  it("starts the server again when the stop fails, and never calls the consumer", async () => {
    const sim = simulator({ stdout: DUMP, stopFails: true });
    let consumed = false;
    await expect(
      dumpDatabaseToStream({
        home: fakeInstall(),
        db: "neo4j",
        runner: sim.runner,
        now,
        consume: () => Promise.resolve((consumed = true)),
      }),
    ).rejects.toMatchObject({
      code: "NEO4J_STOP_FAILED",
      message:
        "neo4j stop exited with 1: failed to stop; Neo4j was started again and nothing was dumped",
    });
    expect(consumed).toBe(false);
    expect(steps(sim.runs)).toEqual(["neo4j status", "neo4j stop", "neo4j status", "neo4j start"]);
  });

  it("stops the server, streams neo4j-admin's stdout to the consumer, and starts the server again", async () => {
    const sim = simulator({ stdout: DUMP });
    const home = fakeInstall();
    let format: string | undefined;
    const result = await dumpDatabaseToStream({
      home,
      db: "neo4j",
      runner: sim.runner,
      now,
      consume: async (dump) => {
        const bytes = await readAll(dump);
        format = dump.format()?.kind;
        return bytes;
      },
    });
    expect(result.consumed.equals(DUMP)).toBe(true);
    expect(format).toBe("neo4j-5-dump");
    expect(result.createdAt).toBe("2026-03-04T05:06:07.890Z");
    expect(steps(sim.runs)).toEqual([
      "neo4j status",
      "neo4j stop",
      "neo4j-admin database dump",
      "neo4j start",
    ]);
    expect(sim.runs.at(-2)!.args).toEqual(["database", "dump", "neo4j", "--to-stdout"]);
  });

  it("does not locate an installation the caller located already (no second `neo4j-admin --version` JVM)", async () => {
    const sim = simulator({ stdout: DUMP });
    const home = fakeInstall();
    const installation = await locateNeo4j({ home, runner: sim.runner });
    sim.runs.length = 0;
    await dumpDatabaseToStream({
      home,
      installation,
      db: "neo4j",
      runner: sim.runner,
      now,
      consume: readAll,
    });
    expect(steps(sim.runs)).toEqual([
      "neo4j status",
      "neo4j stop",
      "neo4j-admin database dump",
      "neo4j start",
    ]);
  });

  it("fails with NEO4J_COMMAND_FAILED (stderr tail, secrets masked) when neo4j-admin exits non-zero, and restarts the server", async () => {
    const sim = simulator({
      stdout: Buffer.alloc(0),
      exit: {
        exitCode: 1,
        stderr:
          "ERROR Failed to dump database 'nosuch': Database does not exist: nosuch\nRun with '--verbose' for a more detailed error message.\n",
      },
    });
    const error = await dumpDatabaseToStream({
      home: fakeInstall(),
      db: "nosuch",
      runner: sim.runner,
      now,
      consume: readAll,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "NEO4J_COMMAND_FAILED", category: "NEO4J" });
    expect((error as Error).message).toContain("Database does not exist");
    expect(steps(sim.runs).at(-1)).toBe("neo4j start");
  });

  it("stops the dump and restarts the server when the consumer fails", async () => {
    const sim = simulator({ stdout: DUMP, endsOnKill: true });
    const error = await dumpDatabaseToStream({
      home: fakeInstall(),
      db: "neo4j",
      runner: sim.runner,
      now,
      consume: () => Promise.reject(new Error("upload failed")),
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe("upload failed");
    expect(sim.killed.count).toBe(1);
    expect(steps(sim.runs).at(-1)).toBe("neo4j start");
  });

  it("refuses output that does not start like a Neo4j dump (NOT_A_DUMP)", async () => {
    const sim = simulator({ stdout: Buffer.from("INFO Starting dump of database 'neo4j'\n") });
    const error = await dumpDatabaseToStream({
      home: fakeInstall(),
      db: "neo4j",
      runner: sim.runner,
      now,
      consume: readAll,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "NOT_A_DUMP" });
    expect(steps(sim.runs).at(-1)).toBe("neo4j start");
  });

  it("refuses Neo4j 4.x (no --to-stdout) before stopping anything", async () => {
    const sim = simulator({ stdout: DUMP });
    const home = fakeInstall(["neo4j-kernel-4.4.40.jar"]);
    const runner = {
      ...sim.runner,
      run: (file: string, args: readonly string[]) =>
        args[0] === "--version"
          ? Promise.resolve({ exitCode: 0, stdout: "4.4.40\n", stderr: "", timedOut: false })
          : sim.runner.run(file, args),
    };
    const error = await dumpDatabaseToStream({
      home,
      db: "neo4j",
      runner,
      now,
      consume: readAll,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "NEO4J_VERSION_UNSUPPORTED" });
    expect(steps(sim.runs)).not.toContain("neo4j stop");
  });
});
