import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync, zstdCompressSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { detectDumpFormat } from "./dump-format.js";
import { tempDir } from "../test/fakes.js";

// A tar header block: file name at 0, "ustar" magic at 257.
const tarBlock = (): Buffer => {
  const block = Buffer.alloc(512);
  block.write("./PaxHeaders.X/neostore", 0, "latin1");
  block.write("ustar\u000000", 257, "latin1");
  return block;
};
// What Neo4j's zstd stream carries: "zstd", format version 1, file and byte counts, then tar.
const neo4jZstdPayload = (): Buffer =>
  Buffer.concat([Buffer.from("zstd"), Buffer.from([0, 0, 0, 1]), Buffer.alloc(16), tarBlock()]);
const dump5 = (): Buffer =>
  Buffer.concat([Buffer.from("DZV1"), zstdCompressSync(neo4jZstdPayload())]);

describe("detectDumpFormat", () => {
  it("recognises a 5.x zstd dump by its DZV1 header", async () => {
    expect(await detectDumpFormat(dump5())).toEqual({
      kind: "neo4j-5-dump",
      compression: "zstd",
      magic: "DZV1",
    });
  });

  it("recognises a 5.x gzip dump by its DGV1 header", async () => {
    const bytes = Buffer.concat([Buffer.from("DGV1"), gzipSync(tarBlock())]);
    expect(await detectDumpFormat(bytes)).toMatchObject({
      kind: "neo4j-5-dump",
      compression: "gzip",
    });
  });

  it("recognises a 4.x dump: a bare zstd frame whose content starts with 'zstd'", async () => {
    expect(await detectDumpFormat(zstdCompressSync(neo4jZstdPayload()))).toMatchObject({
      kind: "neo4j-4-dump",
      compression: "zstd",
    });
  });

  it("recognises a legacy gzip dump: gzip around a tar archive", async () => {
    expect(await detectDumpFormat(gzipSync(tarBlock()))).toMatchObject({
      kind: "neo4j-4-dump",
      compression: "gzip",
    });
  });

  it("sees through one extra layer of compression", async () => {
    expect(await detectDumpFormat(zstdCompressSync(dump5()))).toEqual({
      kind: "neo4j-5-dump",
      compression: "zstd",
      magic: "DZV1",
      wrapper: "zstd",
    });
    expect(await detectDumpFormat(gzipSync(dump5()))).toMatchObject({
      kind: "neo4j-5-dump",
      wrapper: "gzip",
    });
  });

  it("recognises 5.x online backup artifacts", async () => {
    expect(await detectDumpFormat(Buffer.from("BZV2...."))).toMatchObject({
      kind: "neo4j-5-backup",
      compression: "zstd",
    });
  });

  it("reports anything else as unknown", async () => {
    expect(await detectDumpFormat(Buffer.from("PK\u0003\u0004zip"))).toEqual({
      kind: "unknown",
      compression: "none",
      magic: "PK..",
    });
    expect(
      await detectDumpFormat(zstdCompressSync(Buffer.from("just some text, not neo4j"))),
    ).toMatchObject({
      kind: "unknown",
      compression: "zstd",
    });
    expect(await detectDumpFormat(Buffer.alloc(0))).toMatchObject({
      kind: "unknown",
      compression: "unknown",
    });
  });

  it("reads the head of a file given its path", async () => {
    const dir = tempDir("nbs-dump-format-");
    await writeFile(join(dir, "neo4j.dump"), dump5());
    expect(await detectDumpFormat(join(dir, "neo4j.dump"))).toMatchObject({ kind: "neo4j-5-dump" });
  });
});
