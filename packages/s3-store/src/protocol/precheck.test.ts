import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { beforeEach, describe, expect, it } from "vitest";
import { putBackup } from "../index.js";
import {
  KEY,
  SIDECAR,
  file,
  headSidecarAsWritten,
  input,
  preconditionFailed,
  s3,
  sha,
} from "../../test/s3-mock.js";

beforeEach(() => s3.reset());

/** What S3 answers for a key that does not exist when s3:ListBucket is limited by s3:prefix. */
function forbidden(name = "AccessDenied") {
  return new S3ServiceException({ name, $fault: "client", $metadata: { httpStatusCode: 403 } });
}

describe("pre-check under a role whose s3:ListBucket is limited by s3:prefix (SDK mocked)", () => {
  // A bodiless HEAD 403 reaches the SDK as the name "403", or "Unknown" (MinIO).
  it.each(["403", "Unknown"])(
    "takes 403 on both the sidecar and the dump (a HEAD 403 named %s) for absent, warns, and uploads with If-None-Match: *",
    async (headName) => {
      const bytes = Buffer.from("dump");
      s3.on(GetObjectCommand, { Key: SIDECAR }).rejects(forbidden());
      s3.on(HeadObjectCommand, { Key: KEY })
        .rejectsOnce(forbidden(headName))
        .resolves({
          ContentLength: bytes.length,
          ETag: '"e"',
          ServerSideEncryption: "AES256",
          Metadata: { "nbs-sha256": sha(bytes).toString("hex") },
        });
      s3.on(PutObjectCommand).resolves({ ETag: '"e"', ServerSideEncryption: "AES256" });
      headSidecarAsWritten(1);
      const warnings: string[] = [];
      const result = await putBackup(
        input(file(bytes), {
          onEvent: (event, _fields, level) => level === "warn" && warnings.push(event),
        }),
      );
      expect(result.status).toBe("uploaded");
      expect(warnings).toContain("precheck.forbidden");
      const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
      expect(puts.map((p) => [p.Key, p.IfNoneMatch])).toEqual([
        [KEY, "*"],
        [SIDECAR, "*"],
      ]);
    },
  );

  it("still never overwrites: a key that exists behind the 403 fails the write, nothing replaced", async () => {
    const bytes = Buffer.from("dump");
    s3.on(GetObjectCommand, { Key: SIDECAR }).rejects(forbidden());
    s3.on(HeadObjectCommand, { Key: KEY }).rejects(forbidden("403"));
    s3.on(PutObjectCommand).rejects(preconditionFailed());
    const error = await putBackup(input(file(bytes))).catch((e: unknown) => e);
    expect(error).toMatchObject({ category: "STORAGE" });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1); // the dump's, refused; no sidecar
  });

  it("keeps a 403 for rejected credentials fatal: nothing is uploaded", async () => {
    s3.on(GetObjectCommand, { Key: SIDECAR }).rejects(forbidden("InvalidAccessKeyId"));
    s3.on(HeadObjectCommand, { Key: KEY }).rejects(forbidden("403"));
    await expect(putBackup(input(file(Buffer.from("d"))))).rejects.toMatchObject({
      code: "CREDENTIALS_REJECTED",
    });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
