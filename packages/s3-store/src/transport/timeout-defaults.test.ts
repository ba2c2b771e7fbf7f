import { describe, expect, it } from "vitest";
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  deadServerBoundMs,
} from "./timeout-defaults.js";

describe("deadServerBoundMs", () => {
  it("bounds a dead server under 2 minutes with the defaults: 5 × (5 s + 15 s) + 15 s of backoff", () => {
    const bound = deadServerBoundMs({
      maxAttempts: 5,
      connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
      requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
    });
    expect(bound).toBe(115_000);
    expect(bound).toBeLessThanOrEqual(120_000);
  });

  it("counts the idle timer's late arming when the connect timeout is shorter, and caps the backoff at 20 s", () => {
    expect(
      deadServerBoundMs({ maxAttempts: 1, connectTimeoutMs: 1000, requestTimeoutMs: 1000 }),
    ).toBe(4000);
    // backoff 1 + 2 + 4 + 8 + 16 + 20 + 20 s
    expect(
      deadServerBoundMs({ maxAttempts: 8, connectTimeoutMs: 5000, requestTimeoutMs: 10_000 }),
    ).toBe(8 * 15_000 + 71_000);
  });
});
