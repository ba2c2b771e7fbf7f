import { describe, expect, it } from "vitest";
import { redactArgs, redactText } from "./redact.js";

describe("redaction", () => {
  it("masks known secrets wherever they appear", () => {
    expect(redactText("auth failed for s3cr3t-value (s3cr3t-value)", ["s3cr3t-value"])).toBe(
      "auth failed for *** (***)",
    );
  });

  it("masks the values of password-like flags in both spellings", () => {
    expect(
      redactArgs(["--password=abc", "--to-path=/x", "--from-password", "def", "plain"], []),
    ).toEqual(["--password=***", "--to-path=/x", "--from-password", "***", "plain"]);
  });

  it("masks positional secrets", () => {
    expect(
      redactArgs(["dbms", "set-initial-password", "hunter2hunter2"], ["hunter2hunter2"]),
    ).toEqual(["dbms", "set-initial-password", "***"]);
  });
});
