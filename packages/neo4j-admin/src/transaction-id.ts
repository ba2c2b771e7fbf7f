import neo4j from "neo4j-driver";
import type { Driver } from "neo4j-driver";
import { buildStoreInfoCommand } from "./commands.js";
import type { Neo4jInstallation } from "./installation.js";
import { runNeo4jCommand } from "./run-command.js";
import type { ProcessRunner } from "./runner.js";

/**
 * The last closed transaction id of a running database. Community has no Cypher for it
 * (`SHOW DATABASES` yields `lastCommittedTxn` only in clusters), but the bookmark a read
 * transaction returns carries it: Neo4j 5 writes `FB:` + base64 of packstream
 * `[[uuid bytes, txId]…], [external…]`. Undefined when the bookmark is not in that shape, so a
 * format change degrades to "unknown", never to a wrong number.
 */
export async function lastTransactionId(
  driver: Driver,
  database: string,
): Promise<number | undefined> {
  // A fresh session sends no bookmarks, so the one returned is the database's own state.
  const session = driver.session({ database, defaultAccessMode: neo4j.session.READ });
  try {
    await session.executeRead((tx) => tx.run("RETURN 1"));
    const bookmarks = session.lastBookmarks();
    return bookmarks.length === 1 ? transactionIdOfBookmark(bookmarks[0]!) : undefined;
  } finally {
    await session.close();
  }
}

/** The transaction id in a Neo4j 5 bookmark naming exactly one local database; else undefined. */
export function transactionIdOfBookmark(bookmark: string): number | undefined {
  if (!bookmark.startsWith("FB:")) return undefined;
  const bytes = Buffer.from(bookmark.slice(3), "base64");
  // [ [16-byte graph uuid, txId] ] then an empty list of external graphs.
  if (bytes.length < 21 || bytes[0] !== 0x91 || bytes[1] !== 0xcc || bytes[2] !== 16)
    return undefined;
  const read = readInt(bytes, 19);
  if (read === undefined || read.end !== bytes.length - 1 || bytes[read.end] !== 0x90)
    return undefined;
  return read.value;
}

/** A packstream integer at `at`: tiny (one byte) or INT_8/16/32/64 marker and big-endian bytes. */
function readInt(bytes: Buffer, at: number): { value: number; end: number } | undefined {
  const marker = bytes[at];
  if (marker === undefined) return undefined;
  if (marker <= 0x7f) return { value: marker, end: at + 1 };
  const width = { 0xc8: 1, 0xc9: 2, 0xca: 4, 0xcb: 8 }[marker];
  if (width === undefined || at + 1 + width > bytes.length) return undefined;
  const value = Number(readSigned(bytes, at + 1, width));
  return value < 0 || !Number.isSafeInteger(value) ? undefined : { value, end: at + 1 + width };
}

function readSigned(bytes: Buffer, at: number, width: number): bigint {
  if (width === 8) return bytes.readBigInt64BE(at);
  return BigInt(bytes.readIntBE(at, width));
}

/**
 * The last committed transaction id of a STOPPED database's store (`neo4j-admin database info`,
 * Neo4j 5). Undefined on 4.x or when the tool does not say.
 */
export async function storeTransactionId(
  runner: ProcessRunner,
  inst: Neo4jInstallation,
  database: string,
  options: { signal?: AbortSignal | undefined; timeoutMs: number },
): Promise<number | undefined> {
  const command = buildStoreInfoCommand(inst, database);
  if (command === undefined) return undefined;
  const { stdout } = await runNeo4jCommand(runner, command, options);
  const line = stdout.split("\n").find((l) => l.trim().startsWith("{"));
  let raw: unknown;
  try {
    raw = (JSON.parse(line ?? "null") as Record<string, unknown> | null)?.[
      "lastCommittedTransaction"
    ];
  } catch {
    return undefined;
  }
  const value = Number(raw);
  return typeof raw === "string" && /^\d+$/.test(raw) && Number.isSafeInteger(value)
    ? value
    : undefined;
}
