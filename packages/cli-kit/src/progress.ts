import type { CliLogger } from "./logger.js";

interface ProgressOptions {
  logger: CliLogger;
  event: string;
  total: number;
  /** Draw a live bar here when it is a TTY and the log format is pretty. */
  tty?: NodeJS.WriteStream;
  now?: () => number;
}

/** Progress on long work: a redrawn bar on a terminal, an event every 10% in JSON logs. */
export function createProgress(options: ProgressOptions) {
  const now = options.now ?? Date.now;
  const started = now();
  const live = options.logger.format === "pretty" && options.tty?.isTTY === true;
  let nextDecile = 1;
  let drawn = false;
  return {
    /** `fields` are added to the JSON event (e.g. bytes sent vs. reused). */
    update(done: number, fields: Record<string, unknown> = {}) {
      const fraction = options.total === 0 ? 1 : done / options.total;
      const seconds = Math.max((now() - started) / 1000, 0.001);
      const rate = done / seconds;
      if (live) {
        const width = 30;
        const filled = Math.round(fraction * width);
        options.tty!.write(
          `\r[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${formatBytes(done)}/${formatBytes(options.total)} ${formatBytes(rate)}/s `,
        );
        drawn = true;
        return;
      }
      if (fraction * 10 >= nextDecile) {
        nextDecile = Math.floor(fraction * 10) + 1;
        options.logger.log("info", options.event, {
          bytes: done,
          total: options.total,
          percent: Math.round(fraction * 100),
          bytes_per_second: Math.round(rate),
          ...fields,
        });
      }
    },
    done() {
      if (drawn) options.tty!.write("\n");
    },
  };
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
