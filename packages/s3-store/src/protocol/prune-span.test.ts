import { describe, expect, it } from "vitest";
import { parseSpan, spanAfter, spanBefore } from "./prune-span.js";

const at = (iso: string) => new Date(iso);

describe("parseSpan / spanBefore", () => {
  it.each([
    ["1y", "2026-03-31T12:00:00Z", "2025-03-31T12:00:00Z"],
    ["1m", "2026-03-31T12:00:00Z", "2026-02-28T12:00:00Z"], // m is a month (restic), clamped
    ["1y2m3d4h", "2026-05-10T12:00:00Z", "2025-03-07T08:00:00Z"],
    ["2w", "2026-05-15T00:00:00Z", "2026-05-01T00:00:00Z"],
    ["90min", "2026-05-15T00:00:00Z", "2026-05-14T22:30:00Z"],
    ["30s", "2026-05-15T00:00:00Z", "2026-05-14T23:59:30Z"],
  ])("%s before %s is %s", (span, from, expected) => {
    expect(spanBefore(at(from), parseSpan(span, "--x")).toISOString()).toBe(
      at(expected).toISOString(),
    );
  });

  it("spanAfter walks forward by the same calendar span", () => {
    expect(spanAfter(at("2026-01-31T00:00:00Z"), parseSpan("1m1d", "--x")).toISOString()).toBe(
      "2026-03-01T00:00:00.000Z",
    );
  });

  it.each(["", "30", "3x", "1d 2h", "-1d", "1.5d"])("refuses %j naming the option", (raw) => {
    expect(() => parseSpan(raw, "--keep-within")).toThrow(
      new RegExp(
        `invalid duration ${JSON.stringify(JSON.stringify(raw)).slice(1, -1)} for --keep-within`,
      ),
    );
  });
});
