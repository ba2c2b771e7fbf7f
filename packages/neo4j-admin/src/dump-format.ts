import { open } from "node:fs/promises";
import zlib from "node:zlib";
import type { Transform } from "node:stream";

/*
 * How Neo4j dump files start — evidence from Neo4j 5.26.30 itself:
 * - `javap -c -constants` on neo4j-dbms-5.26.30.jar: org.neo4j.dbms.archive.DumpZstdFormatV1
 *   writes MAGIC_HEADER "DZV1" then a zstd stream; DumpGzipFormatV1 writes "DGV1" then gzip.
 *   DumpFormatSelector reads 4 bytes, picks by "DZV1"/"DGV1", and otherwise falls back to
 *   "legacyDecompress" (try zstd, then gzip) for dumps written by Neo4j 4.x and earlier.
 * - A real `neo4j-admin database dump` (5.26.30, Community) begins
 *   `44 5a 56 31 28 b5 2f fd` = "DZV1" + the zstd frame magic (RFC 8878, 0xFD2FB528 LE).
 *   Decompressed, the stream begins "zstd" (StandardCompressionFormat.ZSTD's own header,
 *   because zstd has no magic check on open), then int 1, the file count and byte count, then a
 *   tar archive with PAX headers.
 * - Neo4j 4.x (CompressionFormat enum, neo4j/neo4j 4.4 sources) wrote no "DZV1" prefix: the file
 *   is a bare zstd frame whose content starts "zstd", or — when the zstd native library was not
 *   loadable, and always in 3.5 — a bare gzip stream of a tar archive.
 * - 5.x online backups (.backup, Enterprise) start "BZV1"/"BZV2" (zstd) or "BTV1"/"BTV2" (tar).
 * A dump that nbs itself compressed again (.dump.zst / .dump.gz) is recognised one level down
 * and reported with `wrapper`.
 */

export type DumpKind = "neo4j-5-dump" | "neo4j-4-dump" | "neo4j-5-backup" | "unknown";
export type DumpCompression = "zstd" | "gzip" | "none" | "unknown";

export interface DumpFormat {
  kind: DumpKind;
  /** Compression of the archive inside Neo4j's own framing. */
  compression: DumpCompression;
  /** Printable form of the first 4 bytes of the Neo4j content (e.g. "DZV1"). */
  magic: string;
  /** Set when the whole Neo4j file was compressed once more (e.g. by `zstd` or by nbs). */
  wrapper?: "zstd" | "gzip";
}

/** Bytes read from a file: enough for the first zstd block (≤128 KiB) to decode. */
export const DUMP_HEADER_BYTES = 256 * 1024;

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd] as const;
const GZIP_MAGIC = [0x1f, 0x8b] as const;
const FRAMED: Record<string, Omit<DumpFormat, "magic">> = {
  DZV1: { kind: "neo4j-5-dump", compression: "zstd" },
  DGV1: { kind: "neo4j-5-dump", compression: "gzip" },
  BZV1: { kind: "neo4j-5-backup", compression: "zstd" },
  BZV2: { kind: "neo4j-5-backup", compression: "zstd" },
  BTV1: { kind: "neo4j-5-backup", compression: "none" },
  BTV2: { kind: "neo4j-5-backup", compression: "none" },
};

/** Recognise a Neo4j dump by its first bytes (a path is read up to its first 256 KiB). */
export async function detectDumpFormat(input: string | Uint8Array): Promise<DumpFormat> {
  const head = typeof input === "string" ? await readHead(input) : Buffer.from(input);
  const outer = classify(head);
  if (outer.kind !== "unknown" || outer.compression === "unknown" || outer.compression === "none")
    return outer;

  const inner = await inflatePrefix(head, outer.compression);
  if (inner === undefined) return outer;
  if (outer.compression === "zstd" && inner.subarray(0, 4).toString("latin1") === "zstd") {
    return { kind: "neo4j-4-dump", compression: "zstd", magic: printable(head) };
  }
  if (outer.compression === "gzip" && isTar(inner)) {
    return { kind: "neo4j-4-dump", compression: "gzip", magic: printable(head) };
  }
  const wrapped = classify(inner);
  if (wrapped.kind === "unknown") return outer;
  return { ...wrapped, wrapper: outer.compression };
}

function classify(head: Buffer): DumpFormat {
  const magic = printable(head);
  const framed = FRAMED[head.subarray(0, 4).toString("latin1")];
  if (framed) return { ...framed, magic };
  if (startsWith(head, ZSTD_MAGIC)) return { kind: "unknown", compression: "zstd", magic };
  if (startsWith(head, GZIP_MAGIC)) return { kind: "unknown", compression: "gzip", magic };
  return { kind: "unknown", compression: head.length === 0 ? "unknown" : "none", magic };
}

async function readHead(path: string): Promise<Buffer> {
  const file = await open(path, "r");
  try {
    const buffer = Buffer.alloc(DUMP_HEADER_BYTES);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** Decompress what a truncated prefix yields; `undefined` when nothing decodes. */
async function inflatePrefix(
  head: Buffer,
  compression: "zstd" | "gzip",
): Promise<Buffer | undefined> {
  const stream = makeDecompressor(compression);
  if (stream === undefined) return undefined;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      stream.destroy();
      resolve(size === 0 ? undefined : Buffer.concat(chunks));
    };
    stream.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= 512) finish();
    });
    stream.on("error", finish); // a truncated prefix ends in "unexpected end of file"
    stream.on("end", finish);
    stream.end(head);
  });
}

function makeDecompressor(compression: "zstd" | "gzip"): Transform | undefined {
  if (compression === "gzip") return zlib.createGunzip();
  // zstd arrived in node:zlib with Node 22.15 / 23.8; older runtimes cannot look inside.
  const create = (zlib as { createZstdDecompress?: () => Transform }).createZstdDecompress;
  return create?.();
}

function isTar(block: Buffer): boolean {
  return block.length >= 262 && block.subarray(257, 262).toString("latin1") === "ustar";
}

function startsWith(head: Buffer, magic: readonly number[]): boolean {
  return magic.every((byte, i) => head[i] === byte);
}

function printable(head: Buffer): string {
  return [...head.subarray(0, 4)]
    .map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : "."))
    .join("");
}
