/** The JSON log events among a CLI's stderr lines (NBS_LOG_FORMAT=json), in order. */
export const logEvents = (stderr: string): Array<Record<string, unknown>> =>
  stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
