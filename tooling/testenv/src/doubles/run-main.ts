import { PassThrough } from "node:stream";
import { logEvents } from "../log-events.ts";

/** The streams a CLI's `main` writes to (cli-kit's CliIo). */
interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

type Main = (argv: string[], env: Record<string, string>, io: Io) => Promise<number>;

/** What a CLI's `main` returned and wrote: `out` is stdout, `err` is stderr. */
export interface MainRun {
  code: number;
  out: string;
  err: string;
  /** The JSON log events written on stderr. */
  events: Array<Record<string, unknown>>;
}

/**
 * Run a CLI's `main` in this process with captured stdout and stderr and NBS_LOG_FORMAT=json
 * (unless `env` sets it), as its bin entry would with only `env`.
 */
export async function runMain(
  main: Main,
  argv: string[],
  env: Record<string, string> = {},
): Promise<MainRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  const code = await main(argv, { NBS_LOG_FORMAT: "json", ...env }, { stdout, stderr });
  await new Promise((r) => setTimeout(r, 20)); // the last log lines reach the streams
  return { code, out, err, events: logEvents(err) };
}
