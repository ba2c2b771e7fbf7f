/** Progress of the protocol for logs; `warn` marks what an operator should know about. */
export type StoreEvent = (
  event: string,
  fields: Record<string, unknown>,
  level?: "debug" | "info" | "warn",
) => void;
