import { describe, expect, it } from "vitest";
import { transactionIdOfBookmark } from "./transaction-id.js";

const UUID = Buffer.from("25dd7f2a51d149f8b83ceb8d03124a76", "hex");

/** A Neo4j 5 bookmark for one local graph, as the server writes it. */
function bookmark(txId: Buffer, tail = [0x90]): string {
  return `FB:${Buffer.concat([Buffer.from([0x91, 0xcc, 0x10]), UUID, txId, Buffer.from(tail)]).toString("base64")}`;
}

describe("transactionIdOfBookmark", () => {
  it("reads the transaction id of a real 5.26 bookmark (tiny int)", () => {
    expect(transactionIdOfBookmark("FB:kcwQJd1/KlHRSfi4POuNAxJKdgWQ")).toBe(5);
  });

  it("reads every packstream integer width", () => {
    expect(transactionIdOfBookmark(bookmark(Buffer.from([0x7f])))).toBe(127);
    expect(transactionIdOfBookmark(bookmark(Buffer.from([0xc9, 0x00, 0xcf])))).toBe(207);
    expect(transactionIdOfBookmark(bookmark(Buffer.from([0xca, 0x00, 0x01, 0x86, 0xa0])))).toBe(
      100_000,
    );
    const big = Buffer.alloc(9);
    big[0] = 0xcb;
    big.writeBigInt64BE(5_000_000_000n, 1);
    expect(transactionIdOfBookmark(bookmark(big))).toBe(5_000_000_000);
  });

  it("says nothing (undefined) about a bookmark in any other shape", () => {
    expect(transactionIdOfBookmark("neo4j:bookmark:v1:tx42")).toBeUndefined();
    expect(transactionIdOfBookmark("FB:")).toBeUndefined();
    expect(transactionIdOfBookmark(bookmark(Buffer.from([0x05]), [0x91]))).toBeUndefined();
    expect(transactionIdOfBookmark(bookmark(Buffer.from([0xff])))).toBeUndefined(); // negative
    expect(transactionIdOfBookmark(bookmark(Buffer.from([0xc9, 0x00])))).toBeUndefined(); // short
  });
});
