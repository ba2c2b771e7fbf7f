import { describe, expect, it } from "vitest";
import { MINIMUM_NODE, unsupportedNode } from "./startup.js";

describe("unsupportedNode", () => {
  it("refuses a Node older than the minimum with one line naming both versions and the fix", () => {
    for (const old of ["20.20.2", "v22.11.9", "22.2.0", "18.0.0"]) {
      const message = unsupportedNode("nbs-upload", old);
      expect(message).toMatch(/^nbs-upload: needs Node\.js 22\.12\.0 or newer, this is v[\d.]+; /);
      expect(message).toContain(`v${old.replace(/^v/, "")}`);
      expect(message).toContain("nbs_bootstrap");
      expect(message).not.toContain("\n");
    }
  });

  it("accepts the minimum and anything newer, including this test's own Node", () => {
    for (const ok of [MINIMUM_NODE, "22.12.1", "22.13.0", "v24.21.0", "25.0.0"]) {
      expect(unsupportedNode("nbs-verify", ok)).toBeUndefined();
    }
    expect(unsupportedNode("nbs-verify")).toBeUndefined();
  });

  it("keeps the minimum in step with the packages' engines field", async () => {
    const { engines } = (await import("../package.json", { with: { type: "json" } })).default;
    expect(engines.node).toBe(`>=${MINIMUM_NODE.replace(/\.0$/, "")}`);
  });
});
