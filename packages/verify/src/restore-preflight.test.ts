import { statfsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freeBytesAt } from "./restore-preflight.js";

describe("freeBytesAt", () => {
  it("measures the filesystem of the nearest existing parent of a directory not created yet", async () => {
    const stats = statfsSync(tmpdir());
    const free = await freeBytesAt(join(tmpdir(), "nbs-not-there", "data"));
    // Another process may write meanwhile: the same filesystem, within a few blocks' worth.
    expect(Math.abs(free - stats.bavail * stats.bsize)).toBeLessThan(64 * 1024 * 1024);
  });
});
