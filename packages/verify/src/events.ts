/** Milestones of a verification, for the caller's logger: a stable event name and plain fields. */
export type VerifyEventSink = (event: string, fields: Record<string, unknown>) => void;

/** Bytes read so far from the source. */
export interface VerifyProgress {
  bytes: number;
  total: number;
}
