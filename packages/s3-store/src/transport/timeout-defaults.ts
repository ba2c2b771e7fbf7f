/** Default TCP connect timeout per attempt. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/**
 * Default idle timeout per attempt. Above MinIO's 10 s whitespace keep-alive during a long
 * CompleteMultipartUpload, and low enough that a dead server ends within 2 minutes with the
 * default 5 attempts ({@link deadServerBoundMs}).
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/**
 * @smithy/node-http-handler arms an idle timer of 6 s or more only 3 s after the request
 * starts (or at connect, if later), so an attempt that never sees a byte can last this long
 * beyond the idle timeout.
 */
const IDLE_TIMER_DEFERRAL_MS = 3_000;
/** The SDK's standard retry backoff: full jitter under base × 2^retry, capped (its throttling base, the larger one). */
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 20_000;

export interface TimeoutSettings {
  maxAttempts: number;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

/**
 * The longest one S3 request can take against a server that accepts TCP connections (or
 * none) and never answers: every attempt waits for the connection and then the idle timer,
 * and between attempts the retry backoff at its largest.
 */
export function deadServerBoundMs(settings: TimeoutSettings): number {
  const armed = Math.max(settings.connectTimeoutMs, IDLE_TIMER_DEFERRAL_MS);
  const perAttempt = armed + settings.requestTimeoutMs;
  let backoff = 0;
  for (let retry = 0; retry < settings.maxAttempts - 1; retry++) {
    backoff += Math.min(BACKOFF_BASE_MS * 2 ** retry, BACKOFF_CAP_MS);
  }
  return settings.maxAttempts * perAttempt + backoff;
}
