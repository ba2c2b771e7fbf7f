import {
  link,
  mkdir,
  mkdtemp,
  open,
  readFile,
  readdir,
  rename,
  unlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { placeDump, type PlaceDumpFs } from "./place-dump.js";

/** The real filesystem, except that link() fails as it does where there are no hard links. */
function withoutHardLinks(code: string): PlaceDumpFs {
  return {
    link: () => Promise.reject(Object.assign(new Error(`link: ${code}`), { code })),
    reserve: async (target) => (await open(target, "wx")).close(),
    rename,
    unlink,
  };
}

async function dumpIn(dir: string): Promise<string> {
  const produced = join(dir, ".nbs-dump-neo4j-x", "neo4j.dump");
  await mkdir(join(dir, ".nbs-dump-neo4j-x"));
  await writeFile(produced, "DUMP BYTES");
  return produced;
}

describe("placeDump: the finished dump moves into the out-dir, never over an existing file", () => {
  it("links the dump into place where the filesystem has hard links", async () => {
    const dir = await mkdtemp(join(tmpdir(), "nbs-place-"));
    const produced = await dumpIn(dir);
    await placeDump(produced, join(dir, "neo4j-20261206T000000Z.dump"));
    expect(await readFile(join(dir, "neo4j-20261206T000000Z.dump"), "utf8")).toBe("DUMP BYTES");
    expect(await readdir(join(dir, ".nbs-dump-neo4j-x"))).toEqual([]);
  });

  it.each(["EPERM", "ENOTSUP", "EOPNOTSUPP"])(
    "keeps the dump where link() fails with %s (vfat, exFAT, SMB, s3fs)",
    async (code) => {
      const dir = await mkdtemp(join(tmpdir(), "nbs-place-"));
      const produced = await dumpIn(dir);
      const target = join(dir, "neo4j-20261206T000000Z.dump");
      await placeDump(produced, target, withoutHardLinks(code));
      expect(await readFile(target, "utf8")).toBe("DUMP BYTES");
      expect(await readdir(join(dir, ".nbs-dump-neo4j-x"))).toEqual([]);
    },
  );

  it("never replaces an existing file when it cannot link (DUMP_EXISTS, the file unchanged)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "nbs-place-"));
    const produced = await dumpIn(dir);
    const target = join(dir, "neo4j-20261206T000000Z.dump");
    await writeFile(target, "AN OLDER DUMP");
    await expect(placeDump(produced, target, withoutHardLinks("EPERM"))).rejects.toMatchObject({
      code: "DUMP_EXISTS",
    });
    expect(await readFile(target, "utf8")).toBe("AN OLDER DUMP");
  });

  it("never replaces an existing file with hard links either", async () => {
    const dir = await mkdtemp(join(tmpdir(), "nbs-place-"));
    const produced = await dumpIn(dir);
    const target = join(dir, "neo4j-20261206T000000Z.dump");
    await writeFile(target, "AN OLDER DUMP");
    await expect(
      placeDump(produced, target, { ...withoutHardLinks("x"), link }),
    ).rejects.toMatchObject({
      code: "DUMP_EXISTS",
    });
    expect(await readFile(target, "utf8")).toBe("AN OLDER DUMP");
  });
});
