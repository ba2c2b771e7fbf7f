import { describe, expect, it } from "vitest";
import { toMinioPolicy, type PolicyDocument } from "../src/minio-policy.ts";
import { renderConfigFile } from "../src/placeholders.ts";

const VALUES = {
  bucket: "b",
  prefix: "p",
  "account-id": "123456789012",
  region: "eu-west-1",
  "kms-key-arn": "arn:aws:kms:eu-west-1:123456789012:key/k",
};

describe("toMinioPolicy", () => {
  it("drops the kms: statements, the conditional-write deny and the PutObject lock cap, and keeps every other s3: statement of the upload policy", () => {
    const aws = renderConfigFile("iam-upload-policy.json", VALUES) as PolicyDocument;
    const minio = toMinioPolicy(aws);
    const awsOnly = ["DenyWritesThatCouldOverwrite", "CapTheRetentionANewObjectMayCarry"];
    expect(minio.Statement.map((s) => s.Sid)).toEqual(
      aws.Statement.filter(
        (s) => ![s.Action].flat()[0]!.startsWith("kms:") && !awsOnly.includes(s.Sid!),
      ).map((s) => s.Sid),
    );
    // the same cap on PutObjectRetention is one MinIO takes, and stays
    expect(minio.Statement.map((s) => s.Sid)).toContain("CapTheRetentionAnExtensionMaySet");
    expect(
      minio.Statement.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith("kms:")),
    ).toEqual([]);
  });

  it("refuses to drop an Allow that depends on a conditional-write key", () => {
    const policy: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "OnlyCreates",
          Effect: "Allow",
          Action: "s3:PutObject",
          Resource: "arn:aws:s3:::b/*",
          Condition: { StringEquals: { "s3:if-none-match": "*" } },
        },
      ],
    };
    expect(() => toMinioPolicy(policy)).toThrow(
      /OnlyCreates: s3:if-none-match has no MinIO equivalent/,
    );
  });

  it("turns ArnNotEquals into StringNotLike (MinIO has no ARN operators)", () => {
    const minio = toMinioPolicy(
      renderConfigFile("iam-upload-policy.json", VALUES) as PolicyDocument,
    );
    const deny = minio.Statement.find((s) => s.Sid === "DenyWritesNamingAnotherKmsKey")!;
    expect(deny.Condition).toEqual({
      StringNotLike: { "s3:x-amz-server-side-encryption-aws-kms-key-id": VALUES["kms-key-arn"] },
      Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
    });
  });

  it("turns StringNotEqualsIfExists into StringNotEquals (the same rule for a negated operator)", () => {
    const policy: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "Deny",
          Effect: "Deny",
          Action: "s3:PutObject",
          Resource: "arn:aws:s3:::b/*",
          Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": "aws:kms" } },
        },
      ],
    };
    expect(toMinioPolicy(policy).Statement[0]!.Condition).toEqual({
      StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
    });
  });

  it("refuses an IfExists operator whose meaning would change (an Allow on a missing key)", () => {
    const policy: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "Loose",
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::b/*",
          Condition: { StringEqualsIfExists: { "s3:ExistingObjectTag/x": "y" } },
        },
      ],
    };
    expect(() => toMinioPolicy(policy)).toThrow(/StringEqualsIfExists has no MinIO equivalent/);
  });

  it("refuses a statement that mixes kms: and s3: actions rather than dropping the s3: part", () => {
    const policy: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        { Sid: "Mixed", Effect: "Allow", Action: ["s3:GetObject", "kms:Decrypt"], Resource: "*" },
      ],
    };
    expect(() => toMinioPolicy(policy)).toThrow(/mixes kms: and other actions/);
  });
});
