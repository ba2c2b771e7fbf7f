import { describe, expect, it } from "vitest";
import { formatAge, parseAge, parseShare } from "./thresholds.js";

describe("threshold settings", () => {
  it("parses shares as 50%, 50 and 0.5 alike and refuses what is not one", () => {
    expect(parseShare("50%", "--max-shrink")).toBe(0.5);
    expect(parseShare("50", "--max-shrink")).toBe(0.5);
    expect(parseShare(0.5, "--max-shrink")).toBe(0.5);
    expect(parseShare("100%", "--max-shrink")).toBe(1);
    expect(() => parseShare("150%", "--max-shrink")).toThrow(
      /invalid share "150%" for --max-shrink/,
    );
    expect(() => parseShare("half", "--max-shrink")).toThrow(
      expect.objectContaining({ code: "SETTING_INVALID" }),
    );
  });

  it("parses ages with units, bare numbers as seconds, and prints them back", () => {
    expect(parseAge("26h", "--max-age")).toBe(26 * 3_600_000);
    expect(parseAge("8d", "--max-age")).toBe(8 * 86_400_000);
    expect(parseAge("90", "--max-age")).toBe(90_000);
    expect(() => parseAge("0h", "--max-age")).toThrow(/invalid age "0h" for --max-age/);
    expect(() => parseAge("soon", "--max-age")).toThrow(
      expect.objectContaining({ code: "SETTING_INVALID" }),
    );
    expect([
      formatAge(26 * 3_600_000),
      formatAge(8 * 86_400_000),
      formatAge(90_000),
      formatAge(5000),
    ]).toEqual(["26h", "8d", "2m", "5s"]);
  });
});
