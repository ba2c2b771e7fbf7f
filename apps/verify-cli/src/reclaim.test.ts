import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, expect, it, vi } from "vitest";
import { main } from "./main.js";

const reclaimed: number[] = [];
vi.mock("./memory.js", () => ({
  createDownloadReclaimer: () => (bytes: number) => reclaimed.push(bytes),
}));

const dir = mkdtempSync(join(tmpdir(), "nbs-verify-reclaim-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("hands the download's progress to the memory reclaimer", async () => {
  const dump = Buffer.concat([Buffer.from("DZV1"), randomBytes(3 * 1024 * 1024)]);
  const file = join(dir, "neo4j-20261124T101500Z.dump");
  writeFileSync(file, dump);
  const sha256 = createHash("sha256").update(dump).digest("hex");
  const io = { stdout: new PassThrough(), stderr: new PassThrough() };
  io.stdout.resume();
  io.stderr.resume();
  const code = await main(["--file", file, "--sha256", sha256, "--mode", "checksum"], {}, io);
  expect(code).toBe(0);
  expect(reclaimed.length).toBeGreaterThan(1); // per chunk, as the bytes arrive
  expect(reclaimed.at(-1)).toBe(dump.length);
});
