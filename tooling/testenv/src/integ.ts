import { describe } from "vitest";

/**
 * Integration tests run unless NBS_SKIP_INTEG=1 is set outside CI. In CI (CI=true) they always
 * run, so a CI job cannot go green by skipping them.
 */
export function integEnabled(): boolean {
  return process.env["CI"] === "true" || process.env["NBS_SKIP_INTEG"] !== "1";
}

/** `describe` for integration suites: skipped only when {@link integEnabled} is false. */
export function describeInteg(name: string, fn: () => void): void {
  (integEnabled() ? describe : describe.skip)(name, fn);
}
