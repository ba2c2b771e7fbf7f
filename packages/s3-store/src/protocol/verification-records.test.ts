import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { NbsError } from "@nbs/errors";
import { beforeEach, describe, expect, it } from "vitest";
import { listDumps } from "./list.js";
import { body, KEY, preconditionFailed, s3, SIDECAR } from "../../test/s3-mock.js";
import {
  latestVerifications,
  listVerificationRecords,
  parseVerificationRecordKey,
  putVerificationRecord,
  verificationRecordKey,
  type VerificationRecord,
} from "./verification-records.js";

const client = new S3Client({ region: "us-east-1" });
const AT = new Date("2026-12-06T16:42:09.123Z");
const RECORD: VerificationRecord = {
  schemaVersion: 1,
  key: KEY,
  sha256: "a".repeat(64),
  verified_at: AT.toISOString(),
  mode: "load",
  ok: true,
  nbs_version: "0.1.0",
  checks: ["sha256.sidecar", "neo4j.load"],
  stats: { nodes: 3, relationships: 2 },
  neo4j_version: "5.26.0",
};
const rec = (at: string, mode: string, dump = KEY) =>
  verificationRecordKey(dump, new Date(at), mode);

beforeEach(() => s3.reset());

describe("verification record keys", () => {
  it("are <dump>.verify/<UTC ms stamp>-<mode>.json and parse back", () => {
    const key = verificationRecordKey(KEY, AT, "checksum");
    expect(key).toBe(`${KEY}.verify/20261206T164209123Z-checksum.json`);
    expect(parseVerificationRecordKey(key)).toEqual({
      recordKey: key,
      dumpKey: KEY,
      verifiedAt: AT,
      mode: "checksum",
    });
  });

  it("sort by time as strings do (the listing order is time order)", () => {
    const times = ["2026-01-02T03:04:05.006Z", "2026-01-02T03:04:05.060Z", "2026-11-02T00:00:00Z"];
    const keys = times.map((t) => rec(t, "load"));
    expect([...keys].sort()).toEqual(keys);
  });

  it("are not taken from dumps, sidecars or stray objects", () => {
    for (const key of [
      KEY,
      SIDECAR,
      `${KEY}.verify/notes.txt`,
      `${KEY}.verify/20261306T164209123Z-load.json`, // month 13
      `${KEY}.verify/20261206T164209123Z-Load.json`,
      `.verify/20261206T164209123Z-load.json`,
    ]) {
      expect(parseVerificationRecordKey(key), key).toBeUndefined();
    }
  });

  it("refuse a mode that is not a key-safe word", () => {
    expect(() => verificationRecordKey(KEY, AT, "../x")).toThrow(NbsError);
  });
});

describe("latestVerifications", () => {
  it("keeps the newest record of each dump from any listed keys", () => {
    const other = KEY.replace("101500Z", "111500Z");
    const latest = latestVerifications([
      KEY,
      SIDECAR,
      rec("2026-12-01T00:00:00Z", "load"),
      rec("2026-12-06T00:00:00Z", "checksum"),
      rec("2026-12-03T00:00:00Z", "check"),
      rec("2026-12-02T00:00:00Z", "check", other),
    ]);
    expect([...latest.keys()].sort()).toEqual([KEY, other].sort());
    expect(latest.get(KEY)).toMatchObject({
      mode: "checksum",
      verifiedAt: new Date("2026-12-06T00:00:00Z"),
    });
    expect(latest.get(other)?.mode).toBe("check");
  });
});

describe("putVerificationRecord", () => {
  it("writes the record as JSON at its key with If-None-Match: *", async () => {
    s3.on(PutObjectCommand).resolves({});
    const { key } = await putVerificationRecord({ client, bucket: "b", record: RECORD });
    expect(key).toBe(`${KEY}.verify/20261206T164209123Z-load.json`);
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put).toMatchObject({
      Bucket: "b",
      Key: key,
      IfNoneMatch: "*",
      ContentType: "application/json",
    });
    expect(JSON.parse((put.Body as Buffer).toString("utf8"))).toEqual(RECORD);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it("takes a 412 whose object in place is this very record as its own retried write", async () => {
    s3.on(PutObjectCommand).rejects(preconditionFailed());
    s3.on(GetObjectCommand).callsFake(() => {
      const text = (s3.commandCalls(PutObjectCommand)[0]!.args[0].input.Body as Buffer).toString();
      return { Body: body(text), ContentLength: text.length };
    });
    await expect(
      putVerificationRecord({ client, bucket: "b", record: RECORD }),
    ).resolves.toMatchObject({
      key: `${KEY}.verify/20261206T164209123Z-load.json`,
    });
  });

  it("refuses to replace a different record (KEY_CONFLICT), writing nothing else", async () => {
    s3.on(PutObjectCommand).rejects(preconditionFailed());
    s3.on(GetObjectCommand).resolves({ Body: body("{}"), ContentLength: 2 });
    await expect(
      putVerificationRecord({ client, bucket: "b", record: RECORD }),
    ).rejects.toMatchObject({
      code: "KEY_CONFLICT",
    });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it("turns a refusal of the store into its specific STORAGE error", async () => {
    s3.on(PutObjectCommand).rejects(
      new S3ServiceException({
        name: "AccessDenied",
        $fault: "client",
        $metadata: { httpStatusCode: 403 },
      }),
    );
    await expect(
      putVerificationRecord({ client, bucket: "b", record: RECORD }),
    ).rejects.toMatchObject({
      code: "ACCESS_DENIED",
      category: "STORAGE",
    });
  });
});

describe("listing records", () => {
  it("listVerificationRecords gives one backup's records newest first", async () => {
    s3.on(ListObjectsV2Command).resolves({
      Contents: [
        { Key: rec("2026-12-01T00:00:00Z", "load") },
        { Key: rec("2026-12-06T00:00:00Z", "checksum") },
        { Key: `${KEY}.verify/stray.txt` },
      ],
    });
    const refs = await listVerificationRecords({ client, bucket: "b", dumpKey: KEY });
    expect(refs.map((r) => r.mode)).toEqual(["checksum", "load"]);
    expect(s3.commandCalls(ListObjectsV2Command)[0]!.args[0].input.Prefix).toBe(`${KEY}.verify/`);
  });

  it("listDumps carries each dump's last verification from its one listing", async () => {
    const other = KEY.replace("101500Z", "111500Z");
    s3.on(ListObjectsV2Command).resolves({
      Contents: [
        { Key: KEY, Size: 10 },
        { Key: SIDECAR, Size: 1 },
        { Key: rec("2026-12-01T00:00:00Z", "load") },
        { Key: rec("2026-12-06T00:00:00Z", "checksum") },
        { Key: other, Size: 10 },
      ],
    });
    const dumps = await listDumps({ client, bucket: "b", prefix: "p" });
    expect(dumps.map((d) => [d.key, d.state, d.lastVerification?.mode])).toEqual([
      [other, "uncommitted", undefined],
      [KEY, "committed", "checksum"],
    ]);
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(1);
  });
});
