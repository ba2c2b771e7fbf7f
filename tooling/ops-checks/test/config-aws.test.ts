import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { PolicyDocument } from "../src/minio-policy.ts";
import {
  CONFIG_AWS_DIR,
  PLACEHOLDERS,
  placeholdersIn,
  renderConfigFile,
  renderTemplate,
} from "../src/placeholders.ts";

const ALL = Object.fromEntries(PLACEHOLDERS.map((p) => [p, `x-${p}`]));
const jsonFiles = readdirSync(CONFIG_AWS_DIR).filter((f) => f.endsWith(".json"));
const actions = (policy: PolicyDocument, effect: "Allow" | "Deny") =>
  policy.Statement.filter((s) => s.Effect === effect).flatMap((s) => [s.Action].flat());

describe("config/aws", () => {
  it("has the five policies and three lifecycle samples", () => {
    expect(jsonFiles.sort()).toEqual([
      "bucket-policy.json",
      "iam-upload-policy.json",
      "iam-verify-policy.json",
      "kms-key-policy.json",
      "lifecycle-dev.json",
      "lifecycle-prod.json",
      "lifecycle-staging.json",
      "oidc-trust-policy.json",
    ]);
  });

  it.each(jsonFiles)("%s uses only the documented placeholders and renders to JSON", (file) => {
    const text = readFileSync(CONFIG_AWS_DIR + file, "utf8");
    for (const name of placeholdersIn(text)) expect(PLACEHOLDERS).toContain(name);
    expect(() => JSON.parse(renderTemplate(text, ALL)) as unknown).not.toThrow();
  });

  it("refuses to render a file with a placeholder left unfilled", () => {
    expect(() => renderConfigFile("iam-upload-policy.json", { bucket: "b" })).toThrow(
      /placeholders left unfilled: prefix, kms-key-arn, region/,
    );
  });

  it("lets the upload role write, resume and abort under the prefix but never delete", () => {
    const policy = renderConfigFile("iam-upload-policy.json", ALL) as PolicyDocument;
    expect(actions(policy, "Allow").filter((a) => a.startsWith("s3:"))).toEqual([
      "s3:ListBucket",
      "s3:ListBucketMultipartUploads",
      "s3:PutObject",
      "s3:GetObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]);
    for (const s of policy.Statement.filter((s) => s.Effect === "Allow")) {
      for (const r of [s.Resource].flat()) {
        expect(r).toMatch(/^arn:aws:s3:::x-bucket(\/x-prefix\/\*)?$|^x-kms-key-arn$/);
      }
    }
  });

  it.each(["iam-upload-policy.json", "bucket-policy.json"])(
    "%s denies a PutObject or CompleteMultipartUpload under the prefix without If-None-Match, in AWS's documented form",
    (file) => {
      const policy = renderConfigFile(file, ALL) as PolicyDocument;
      // https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html:
      // CreateMultipartUpload and UploadPart are no object creation operation, so they pass.
      const deny = policy.Statement.filter(
        (s) =>
          s.Effect === "Deny" &&
          [s.Action].flat().includes("s3:PutObject") &&
          s.Condition?.["Null"]?.["s3:if-none-match"] === "true",
      );
      expect(deny).toHaveLength(1);
      expect(deny[0]!.Condition).toEqual({
        Null: { "s3:if-none-match": "true" },
        Bool: { "s3:ObjectCreationOperation": "true" },
      });
      expect(deny[0]!.Resource).toBe("arn:aws:s3:::x-bucket/x-prefix/*");
    },
  );

  it("grants no kms:Encrypt anywhere: S3 uses GenerateDataKey and Decrypt", () => {
    for (const file of jsonFiles.filter((f) => !f.startsWith("lifecycle-"))) {
      expect(readFileSync(CONFIG_AWS_DIR + file, "utf8"), file).not.toContain("kms:Encrypt");
    }
  });

  it("gives the verify role reads, and writes only of verification records (<dump>.verify/*.json), never a delete", () => {
    const policy = renderConfigFile("iam-verify-policy.json", ALL) as PolicyDocument;
    expect(actions(policy, "Allow")).toEqual([
      "s3:ListBucket",
      "s3:GetObject",
      "s3:PutObject",
      "kms:Decrypt",
      "kms:GenerateDataKey",
    ]);
    const put = policy.Statement.filter(
      (s) => s.Effect === "Allow" && [s.Action].flat().includes("s3:PutObject"),
    );
    expect(put).toHaveLength(1);
    expect([put[0]!.Resource].flat()).toEqual(
      [".dump", ".dump.zst", ".dump.gz"].map(
        (ext) => `arn:aws:s3:::x-bucket/x-prefix/*${ext}.verify/*.json`,
      ),
    );
    const deny = policy.Statement.find((s) => s.Sid === "DenyRecordWritesThatCouldOverwrite");
    expect(deny?.Condition).toEqual({
      Null: { "s3:if-none-match": "true" },
      Bool: { "s3:ObjectCreationOperation": "true" },
    });
  });

  it.each([
    ["dev", 7],
    ["staging", 30],
    ["prod", 90],
  ])("lifecycle-%s.json expires backups after %i days under the prefix", (env, days) => {
    const doc = renderConfigFile(`lifecycle-${env}.json`, { prefix: "p" }) as {
      Rules: Array<{ Filter: { Prefix: string }; Expiration: { Days: number } }>;
    };
    expect(doc.Rules).toHaveLength(1);
    expect(doc.Rules[0]).toMatchObject({ Filter: { Prefix: "p/" }, Expiration: { Days: days } });
  });
});
