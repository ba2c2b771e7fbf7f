import { randomBytes } from "node:crypto";
import { runMain, sha256 as sha, tempDumpFile } from "@nbs/testenv/doubles";
import { expect, it, vi } from "vitest";
import { main } from "./main.js";

const reclaimed: number[] = [];
vi.mock("./memory.js", () => ({
  createDownloadReclaimer: () => (bytes: number) => reclaimed.push(bytes),
}));

it("hands the download's progress to the memory reclaimer", async () => {
  const dump = Buffer.concat([Buffer.from("DZV1"), randomBytes(3 * 1024 * 1024)]);
  const file = tempDumpFile(dump);
  const { code } = await runMain(main, [
    "--file",
    file,
    "--sha256",
    sha(dump),
    "--mode",
    "checksum",
  ]);
  expect(code).toBe(0);
  expect(reclaimed.length).toBeGreaterThan(1); // per chunk, as the bytes arrive
  expect(reclaimed.at(-1)).toBe(dump.length);
});
