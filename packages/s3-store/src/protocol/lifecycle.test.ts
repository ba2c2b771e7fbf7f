import type { S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { applyLifecycleRule, mergeLifecycleRule, retentionRule } from "./lifecycle.js";

describe("retentionRule", () => {
  it("expires what is under the prefix after the given days", () => {
    expect(retentionRule({ prefix: "/prod/", days: 90 })).toMatchObject({
      ID: "nbs-retention-prod",
      Filter: { Prefix: "prod/" },
      Expiration: { Days: 90 },
    });
  });

  it("refuses a rule for the whole bucket (no prefix) and days that are not a whole number ≥ 1", () => {
    expect(() => retentionRule({ prefix: "", days: 7 })).toThrow(/needs a prefix/);
    expect(() => retentionRule({ prefix: "p", days: 0 })).toThrow(/not a whole number/);
    expect(() => retentionRule({ prefix: "p", days: 1.5 })).toThrow(/not a whole number/);
  });
});

describe("mergeLifecycleRule", () => {
  it("replaces the rule of the same ID and keeps every other rule", () => {
    const other = { ID: "other", Status: "Enabled" as const, Filter: { Prefix: "x/" } };
    const old = retentionRule({ prefix: "p", days: 7 });
    const next = retentionRule({ prefix: "p", days: 30 });
    expect(mergeLifecycleRule([other, old], next)).toEqual([other, next]);
  });
});

describe("applyLifecycleRule", () => {
  it("writes nothing when the store already has the rule (MinIO leaves out the abort part)", async () => {
    const rule = retentionRule({ prefix: "p", days: 7 });
    const asMinioReturnsIt = { ...rule, AbortIncompleteMultipartUpload: undefined };
    const sent: string[] = [];
    const client = {
      send: (command: object) => {
        sent.push(command.constructor.name);
        return Promise.resolve({ Rules: [asMinioReturnsIt] });
      },
    } as unknown as S3Client;
    expect(await applyLifecycleRule({ client, bucket: "b", rule })).toMatchObject({
      status: "unchanged",
    });
    expect(sent).toEqual(["GetBucketLifecycleConfigurationCommand"]);
  });
});
