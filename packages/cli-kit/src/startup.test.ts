import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MINIMUM_NODE, unsupportedNode } from "./startup.js";

describe("unsupportedNode", () => {
  it("refuses a Node older than the minimum with one line naming both versions and the fix", () => {
    for (const old of ["20.20.2", "v22.11.9", "22.11.9-nightly2024", "22.2.0", "18.0.0", "junk"]) {
      const message = unsupportedNode("nbs-upload", old);
      expect(message).toMatch(/^nbs-upload: needs Node\.js 22\.12\.0 or newer, this is v\S+; /);
      expect(message).toContain(`v${old.replace(/^v/, "")}`);
      expect(message).toContain("nbs_bootstrap");
      expect(message).not.toContain("\n");
    }
  });

  it("accepts the minimum and anything newer, including this test's own Node", () => {
    for (const ok of [
      MINIMUM_NODE,
      "22.12",
      "22.12.1",
      "22.12.0-pre",
      "22.13.0",
      "v24.21.0",
      "25.0.0",
    ]) {
      expect(unsupportedNode("nbs-verify", ok)).toBeUndefined();
    }
    expect(unsupportedNode("nbs-verify")).toBeUndefined();
  });

  it("keeps the minimum in step with every workspace package's engines field", () => {
    const root = fileURLToPath(new URL("../../../", import.meta.url));
    const manifests = [
      "package.json",
      ...["apps", "packages"].flatMap((dir) =>
        readdirSync(join(root, dir)).map((name) => join(dir, name, "package.json")),
      ),
    ].filter((file) => existsSync(join(root, file)));
    expect(manifests.length).toBeGreaterThan(8);
    for (const file of manifests) {
      const { engines } = JSON.parse(readFileSync(join(root, file), "utf8")) as {
        engines?: { node?: string };
      };
      expect(engines?.node, file).toMatch(
        new RegExp(`^>=${MINIMUM_NODE.replace(/\.0$/, "").replace(/\./g, "\\.")}( |$)`),
      );
    }
  });
});
