import { describe, expect, it } from "vitest";
import { ERROR_CODES, NbsError, isNbsError } from "./index.js";

describe("NbsError", () => {
  it("derives the exit category from the specific code, keeps hint and cause", () => {
    const cause = new Error("root");
    const error = new NbsError("STORAGE", "bucket gone", { hint: "create it", cause });
    expect(error.code).toBe("STORAGE");
    expect(error.category).toBe(ERROR_CODES.STORAGE);
    expect(error.hint).toBe("create it");
    expect(error.cause).toBe(cause);
    expect(isNbsError(error)).toBe(true);
    expect(isNbsError(new Error("x"))).toBe(false);
  });

  it("names subclasses after themselves", () => {
    class SpecialError extends NbsError {}
    expect(new SpecialError("INPUT", "x").name).toBe("SpecialError");
  });
});
