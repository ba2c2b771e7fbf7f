import { NbsError } from "@nbs/errors";
import { StandardRetryStrategy } from "@smithy/util-retry";
import type { RetryStrategyV2 } from "@smithy/types";

export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * The one retry strategy every S3 call goes through: the SDK's standard mode (exponential
 * backoff with full jitter, a retry quota, throttling and transient/5xx classification).
 */
export function createRetryStrategy(maxAttempts: number = DEFAULT_MAX_ATTEMPTS): RetryStrategyV2 {
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new NbsError(
      "MAX_ATTEMPTS_INVALID",
      `max attempts must be a positive integer, got ${maxAttempts}`,
      {
        hint: "use --max-attempts 1 or more (AWS_MAX_ATTEMPTS)",
      },
    );
  }
  return new StandardRetryStrategy(maxAttempts);
}
