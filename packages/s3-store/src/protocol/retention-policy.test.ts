import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { beforeEach, describe, expect, it } from "vitest";
import { putBackup } from "../index.js";
import { KEY, file, headSidecarAsWritten, input, notFound, s3, sha } from "../../test/s3-mock.js";

beforeEach(() => s3.reset());

const UNTIL = new Date("2026-12-24T10:20:00Z");
const governance = { mode: "GOVERNANCE" as const, retainUntil: UNTIL };

/** A bucket with Object Lock on, and a fresh key whose single PUT the store accepts as sent. */
function lockBucketAccepting(bytes: Buffer) {
  const digest = sha(bytes);
  s3.on(GetObjectLockConfigurationCommand).resolves({
    ObjectLockConfiguration: { ObjectLockEnabled: "Enabled" },
  });
  s3.on(GetObjectCommand).rejects(notFound());
  s3.on(HeadObjectCommand, { Key: KEY })
    .rejectsOnce(notFound())
    .resolves({
      ContentLength: bytes.length,
      ETag: '"e"',
      ServerSideEncryption: "AES256",
      ChecksumSHA256: digest.toString("base64"),
      Metadata: { "nbs-sha256": digest.toString("hex") },
    });
  s3.on(PutObjectCommand).resolves({ ETag: '"e"', ServerSideEncryption: "AES256" });
  headSidecarAsWritten(1);
}

describe("putBackup with S3 Object Lock (SDK mocked)", () => {
  it("refuses a lock on a bucket without Object Lock before reading or sending anything", async () => {
    s3.on(GetObjectLockConfigurationCommand).rejects(
      new S3ServiceException({
        name: "ObjectLockConfigurationNotFoundError",
        $fault: "client",
        $metadata: { httpStatusCode: 404 },
      }),
    );
    await expect(
      putBackup(input(file(Buffer.from("dump")), { objectLock: governance })),
    ).rejects.toMatchObject({ code: "OBJECT_LOCK_NOT_ENABLED", category: "USAGE" });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it("refuses --object-lock bucket when the bucket has no default retention", async () => {
    s3.on(GetObjectLockConfigurationCommand).resolves({
      ObjectLockConfiguration: { ObjectLockEnabled: "Enabled" },
    });
    await expect(
      putBackup(input(file(Buffer.from("dump")), { objectLock: { mode: "bucket" } })),
    ).rejects.toMatchObject({ code: "OBJECT_LOCK_NO_DEFAULT" });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it("locks the dump and its sidecar (with a checksum on each PUT) and records the retention", async () => {
    const bytes = Buffer.from("small dump");
    lockBucketAccepting(bytes);
    s3.on(GetObjectRetentionCommand).resolves({
      Retention: { Mode: "GOVERNANCE", RetainUntilDate: UNTIL },
    });
    await putBackup(input(file(bytes), { objectLock: governance }));
    const [obj, sidecar] = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    for (const put of [obj, sidecar]) {
      expect(put).toMatchObject({
        ObjectLockMode: "GOVERNANCE",
        ObjectLockRetainUntilDate: UNTIL,
        ChecksumSHA256: expect.any(String),
      });
    }
    expect(JSON.parse((sidecar!.Body as Buffer).toString())).toMatchObject({
      object_lock: { mode: "GOVERNANCE", retain_until: UNTIL.toISOString() },
    });
    expect(s3.commandCalls(PutObjectRetentionCommand)).toHaveLength(0);
  });

  it("extends a shorter retention with PutObjectRetention (an earlier run's upload)", async () => {
    const bytes = Buffer.from("small dump");
    lockBucketAccepting(bytes);
    s3.on(GetObjectRetentionCommand)
      .resolvesOnce({ Retention: { Mode: "GOVERNANCE", RetainUntilDate: new Date(+UNTIL - 6e5) } })
      .resolves({ Retention: { Mode: "GOVERNANCE", RetainUntilDate: UNTIL } });
    const result = await putBackup(input(file(bytes), { objectLock: governance }));
    expect(s3.commandCalls(PutObjectRetentionCommand)[0]!.args[0].input).toMatchObject({
      Key: KEY,
      Retention: { Mode: "GOVERNANCE", RetainUntilDate: UNTIL },
    });
    expect(result.meta.object_lock).toEqual({
      mode: "GOVERNANCE",
      retain_until: UNTIL.toISOString(),
    });
  });

  it("commits nothing when the store keeps no retention on the object (it ignores Object Lock)", async () => {
    const bytes = Buffer.from("small dump");
    lockBucketAccepting(bytes);
    s3.on(GetObjectRetentionCommand).rejects(
      new S3ServiceException({
        name: "NoSuchObjectLockConfiguration",
        $fault: "client",
        $metadata: { httpStatusCode: 404 },
      }),
    );
    await expect(putBackup(input(file(bytes), { objectLock: governance }))).rejects.toMatchObject({
      code: "OBJECT_LOCK_NOT_HONOURED",
      category: "USAGE",
    });
    // only the dump's PUT: no sidecar, and the object this run wrote is removed
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input.Key)).toEqual([KEY]);
  });

  it("records a retention the bucket applied by default without asking for one", async () => {
    const bytes = Buffer.from("small dump");
    lockBucketAccepting(bytes);
    s3.on(HeadObjectCommand, { Key: KEY })
      .rejectsOnce(notFound())
      .resolves({
        ContentLength: bytes.length,
        ETag: '"e"',
        ServerSideEncryption: "AES256",
        Metadata: { "nbs-sha256": sha(bytes).toString("hex") },
        ObjectLockMode: "COMPLIANCE",
        ObjectLockRetainUntilDate: UNTIL,
      });
    const result = await putBackup(input(file(bytes)));
    expect(result.meta.object_lock).toEqual({
      mode: "COMPLIANCE",
      retain_until: UNTIL.toISOString(),
    });
    expect(s3.commandCalls(GetObjectLockConfigurationCommand)).toHaveLength(0);
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input.ObjectLockMode).toBeUndefined();
  });
});
