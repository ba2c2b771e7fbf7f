import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

describe("nbs-upload startup", () => {
  it("keeps Node's compile cache in the user's cache directory, and not when it is disabled", async () => {
    const cacheHome = mkdtempSync(join(tmpdir(), "nbs-xdg-"));
    const first = await runCli(["--help"], { XDG_CACHE_HOME: cacheHome });
    expect(first.code).toBe(0);
    const dir = join(cacheHome, "nbs", "node-compile-cache");
    expect(readdirSync(dir, { recursive: true }).length).toBeGreaterThan(0);

    const off = mkdtempSync(join(tmpdir(), "nbs-xdg-"));
    const second = await runCli(["--help"], {
      XDG_CACHE_HOME: off,
      NODE_DISABLE_COMPILE_CACHE: "1",
    });
    expect(second.code).toBe(0);
    expect(existsSync(join(off, "nbs"))).toBe(false);
  });
});
