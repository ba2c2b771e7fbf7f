import { describe, expect, it } from "vitest";
import { ERROR_CODES, NbsError, isNbsError } from "./index.js";

describe("NbsError", () => {
  it("derives the exit category from the specific code, keeps hint and cause", () => {
    const cause = new Error("root");
    const error = new NbsError("NOT_COMMITTED", "no sidecar", { hint: "use --latest", cause });
    expect(error.code).toBe("NOT_COMMITTED");
    expect(error.category).toBe("INTEGRITY");
    expect(ERROR_CODES.NOT_COMMITTED).toBe("INTEGRITY");
    expect(error.hint).toBe("use --latest");
    expect(error.cause).toBe(cause);
    expect(isNbsError(error)).toBe(true);
    expect(isNbsError(new Error("x"))).toBe(false);
  });

  it("names subclasses after themselves", () => {
    class SpecialError extends NbsError {}
    expect(new SpecialError("FILE_EMPTY", "x").name).toBe("SpecialError");
  });
});
