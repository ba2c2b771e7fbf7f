import winston from "winston";
import { createRedactor, redactRecordInPlace, secretValuesFrom } from "./redact.js";

export type LogFormat = "json" | "pretty";
export type Level = "error" | "warn" | "info" | "debug";

/** The one logging surface of a CLI: structured events, redacted by construction. */
export interface CliLogger {
  log(level: Level, event: string, fields?: Record<string, unknown>): void;
  /** Wait until everything written so far reached the stream. */
  flush(): Promise<void>;
  readonly format: LogFormat;
}

export interface CliLoggerOptions {
  format: LogFormat;
  verbose: boolean;
  /** Defaults to process.stderr; stdout is reserved for `--json` results. */
  stream?: NodeJS.WritableStream;
  /** Values that must never be printed (in addition to the environment's credentials). */
  secrets?: readonly string[];
  env?: Record<string, string | undefined>;
}

export function defaultLogFormat(stream: { isTTY?: boolean } = process.stderr): LogFormat {
  return stream.isTTY ? "pretty" : "json";
}

export function createCliLogger(options: CliLoggerOptions): CliLogger {
  const redact = createRedactor([
    ...(options.secrets ?? []),
    ...secretValuesFrom(options.env ?? {}),
  ]);
  const scrub = winston.format((info) => redactRecordInPlace(info, redact));
  const render =
    options.format === "json"
      ? winston.format.printf(({ level, message, timestamp, event, ...rest }) =>
          JSON.stringify({
            ts: timestamp,
            level,
            event,
            ...(message === "" ? {} : { message }),
            ...rest,
          }),
        )
      : winston.format.printf(({ level, message, timestamp, event, ...rest }) =>
          pretty(String(timestamp), level, String(event), {
            ...(message === "" ? {} : { message }),
            ...rest,
          }),
        );
  const stream = options.stream ?? process.stderr;
  const logger = winston.createLogger({
    level: options.verbose ? "debug" : "info",
    format: winston.format.combine(winston.format.timestamp(), scrub(), render),
    transports: [new winston.transports.Stream({ stream })],
  });
  return {
    format: options.format,
    log(level, event, fields = {}) {
      // `event` is the stable name; `message` (optional) is human text. Passing one info object
      // keeps winston from concatenating a meta.message into the event name.
      logger.log({ message: "", ...fields, level, event });
    },
    flush: () =>
      new Promise((resolve) => {
        if (stream === process.stderr || stream === process.stdout) return resolve();
        setImmediate(resolve);
      }),
  };
}

function pretty(ts: string, level: string, event: string, fields: Record<string, unknown>): string {
  const time = ts.slice(11, 19);
  const { message, hint, ...rest } = fields as { message?: unknown; hint?: unknown };
  const tail = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  const head = `${time} ${level.padEnd(5)} ${event}${message === undefined ? "" : `: ${text(message)}`}`;
  return [head + (tail ? `  ${tail}` : ""), hint === undefined ? "" : `      hint: ${text(hint)}`]
    .filter(Boolean)
    .join("\n");
}

function text(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
