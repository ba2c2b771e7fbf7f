import { writeFileSync } from "node:fs";
import { join } from "node:path";

// The shapes of @nbs/neo4j-admin's ProcessRunner and RunResult (testenv depends on no
// workspace package: they depend on it).
interface RunResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface FakeServer {
  /** `options` (the runner's RunOptions) are accepted and ignored. */
  run(file: string, args: readonly string[], options?: unknown): Promise<RunResult>;
  /** Every command but `--version`, as `<bin> <first two args>` ("neo4j-admin database load"). */
  steps: string[];
}

export interface FakeServerOptions {
  /** Whether `neo4j status` says the server runs at first (true); stop and start change it. */
  running?: boolean;
  /** How many `database load` calls fail (exit 1) before one succeeds. */
  failLoads?: number;
  /** `database dump` fails (exit 1). */
  failDump?: boolean;
  /** What `database dump` writes to `<to-path>/<db>.dump` (nothing by default). */
  dumpBytes?: Buffer;
  /** Called on each `database load`. */
  onLoad?: () => void;
}

/**
 * The operator's Neo4j 5.26.30 as its bin/neo4j and bin/neo4j-admin answer a ProcessRunner:
 * status, stop, start, dump and load, every step recorded. A failure is a non-zero exit, which
 * runNeo4jCommand turns into the error a real failure gives.
 */
export function fakeOperatorServer(options: FakeServerOptions = {}): FakeServer {
  let running = options.running ?? true;
  let failLoads = options.failLoads ?? 0;
  const steps: string[] = [];
  const ok: RunResult = { exitCode: 0, stdout: "", stderr: "", timedOut: false };
  const fail = () => Promise.resolve({ ...ok, exitCode: 1, stderr: "boom" });
  return {
    steps,
    run(file, args) {
      if (args.includes("--version"))
        return Promise.resolve({ ...ok, stdout: "neo4j-admin 5.26.30\n" });
      steps.push(`${file.split("/").at(-1)} ${args.slice(0, 2).join(" ")}`);
      if (args[0] === "status") return Promise.resolve({ ...ok, exitCode: running ? 0 : 3 });
      if (args[0] === "stop" || args[0] === "start") running = args[0] === "start";
      if (args[1] === "dump") {
        if (options.failDump) return fail();
        const dir = args.find((a) => a.startsWith("--to-path="))?.slice("--to-path=".length);
        if (options.dumpBytes && dir)
          writeFileSync(join(dir, `${args[2]}.dump`), options.dumpBytes);
      }
      if (args[1] === "load") {
        options.onLoad?.();
        if (failLoads-- > 0) return fail();
      }
      return Promise.resolve(ok);
    },
  };
}
