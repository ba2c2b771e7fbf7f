import { describe, expect, it } from "vitest";
import { NbsError } from "@nbs/errors";
import {
  backupFileName,
  backupKey,
  formatBackupTimestamp,
  isValidBucketName,
  normalizePrefix,
  parseBackupFileName,
  parseBackupKey,
  parseBackupTimestamp,
  sidecarKey,
} from "./index.js";

const at = new Date("2026-11-24T10:15:07.456Z");

describe("backup keys", () => {
  it("formats the dump time as UTC yyyymmddThhmmssZ", () => {
    expect(formatBackupTimestamp(at)).toBe("20261124T101507Z");
  });

  it("parses only real timestamps", () => {
    expect(parseBackupTimestamp("20261124T101507Z")?.toISOString()).toBe(
      "2026-11-24T10:15:07.000Z",
    );
    expect(parseBackupTimestamp("20261332T101507Z")).toBeUndefined();
    expect(parseBackupTimestamp("2026-11-24")).toBeUndefined();
  });

  it("builds <prefix>/<db>/<db>-<ts>.dump and parses it back", () => {
    const key = backupKey({
      prefix: "/prod/neo4j/",
      db: "movies-db",
      createdAt: at,
      compression: "none",
    });
    expect(key).toBe("prod/neo4j/movies-db/movies-db-20261124T101507Z.dump");
    expect(parseBackupKey(key)).toEqual({
      prefix: "prod/neo4j",
      db: "movies-db",
      createdAt: new Date("2026-11-24T10:15:07Z"),
      compression: "none",
    });
  });

  it("suffixes compressed dumps and allows an empty prefix", () => {
    expect(backupKey({ prefix: "", db: "neo4j", createdAt: at, compression: "zstd" })).toBe(
      "neo4j/neo4j-20261124T101507Z.dump.zst",
    );
    expect(parseBackupFileName("neo4j-20261124T101507Z.dump.gz")?.compression).toBe("gzip");
  });

  it("is deterministic for the same db and dump time", () => {
    const a = backupKey({ prefix: "p", db: "neo4j", createdAt: new Date(at), compression: "none" });
    const b = backupKey({
      prefix: "p",
      db: "neo4j",
      createdAt: new Date(at.getTime() + 400),
      compression: "none",
    });
    expect(a).toBe(b);
  });

  it("does not mistake sidecars or foreign objects for backups", () => {
    expect(parseBackupKey(sidecarKey("p/neo4j/neo4j-20261124T101507Z.dump"))).toBeUndefined();
    expect(parseBackupKey("p/other/neo4j-20261124T101507Z.dump")).toBeUndefined();
    expect(parseBackupFileName("neo4j.dump")).toBeUndefined();
  });

  it("rejects unsafe prefixes and database names with a usage error", () => {
    expect(() => normalizePrefix("prod/../x")).toThrow(NbsError);
    expect(() => normalizePrefix("prod//x")).toThrow(
      expect.objectContaining({ code: "PREFIX_INVALID" }),
    );
    expect(() => backupFileName("bad name", at)).toThrow(
      expect.objectContaining({ code: "DB_NAME_INVALID" }),
    );
  });

  it("checks bucket names", () => {
    expect(isValidBucketName("nbs-backups")).toBe(true);
    expect(isValidBucketName("Bad_Bucket")).toBe(false);
    expect(isValidBucketName("ab")).toBe(false);
    expect(isValidBucketName("192.168.1.1")).toBe(false);
  });
});
