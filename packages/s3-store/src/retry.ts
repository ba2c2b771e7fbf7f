import { StandardRetryStrategy } from "@smithy/util-retry";
import type { RetryStrategyV2 } from "@smithy/types";

export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * The one retry strategy every S3 call goes through: the SDK's standard mode (exponential
 * backoff with full jitter, a retry quota, throttling and transient/5xx classification).
 */
export function createRetryStrategy(maxAttempts: number = DEFAULT_MAX_ATTEMPTS): RetryStrategyV2 {
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  return new StandardRetryStrategy(maxAttempts);
}
