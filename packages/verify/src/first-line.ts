/** The first line of an error's message: what fits in a one-line message or check detail. */
export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
}
