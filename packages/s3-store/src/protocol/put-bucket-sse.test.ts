import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { beforeEach, describe, expect, it } from "vitest";
import { putBackup } from "../index.js";
import { KEY, file, headSidecarAsWritten, input, notFound, s3, sha } from "../../test/s3-mock.js";

beforeEach(() => s3.reset());

// sse "bucket" (nbs-upload's default): no encryption header, so a policy that allows only the
// backup key (config/aws/iam-upload-policy.json) lets the write through, and the bucket's default
// encryption must apply. MinIO's side of it: tooling/ops-checks/test/policies.integ.test.ts.
describe("putBackup with the bucket's default encryption (SDK mocked)", () => {
  it("sends no encryption header and records what the store applied", async () => {
    const bytes = Buffer.from("dump under the bucket default");
    s3.on(GetObjectCommand).rejects(notFound());
    s3.on(HeadObjectCommand, { Key: KEY })
      .rejectsOnce(notFound())
      .resolves({
        ContentLength: bytes.length,
        ETag: '"e"',
        ServerSideEncryption: "aws:kms",
        SSEKMSKeyId: "arn:aws:kms:eu-west-1:1:key/k1",
        Metadata: { "nbs-sha256": sha(bytes).toString("hex") },
      });
    s3.on(PutObjectCommand).resolves({
      ETag: '"e"',
      ServerSideEncryption: "aws:kms",
      SSEKMSKeyId: "arn:aws:kms:eu-west-1:1:key/k1",
    });
    headSidecarAsWritten(1);
    const result = await putBackup(input(file(bytes), { sse: { mode: "bucket" } }));
    expect(result.status).toBe("uploaded");
    for (const call of s3.commandCalls(PutObjectCommand)) {
      expect(call.args[0].input.ServerSideEncryption).toBeUndefined();
      expect(call.args[0].input.SSEKMSKeyId).toBeUndefined();
    }
    expect(result.meta.storage).toMatchObject({
      sse: "aws:kms",
      kms_key_id: "arn:aws:kms:eu-west-1:1:key/k1",
    });
  });

  it("stops at the first write when the bucket applied no encryption, and says how to give it one", async () => {
    const bytes = Buffer.from("dump");
    s3.on(GetObjectCommand).rejects(notFound());
    s3.on(HeadObjectCommand).rejects(notFound());
    s3.on(PutObjectCommand).resolves({ ETag: '"e"' }); // stored unencrypted
    await expect(putBackup(input(file(bytes), { sse: { mode: "bucket" } }))).rejects.toMatchObject({
      code: "SSE_NOT_HONOURED",
      message: expect.stringContaining("expected the bucket's default encryption"),
      hint: expect.stringContaining("default encryption"),
    });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1); // no sidecar
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input.Key)).toEqual([KEY]);
  });
});
