import { retentionRule } from "@nbs/s3-store";
import { describe, expect, it } from "vitest";
import { renderConfigFile } from "../src/placeholders.ts";

describe("nbs-upload retention and config/aws/lifecycle-<env>.json", () => {
  it.each(["dev", "staging", "prod"])(
    "the rule for %s is the sample's rule, rendered for the same prefix",
    (env) => {
      const sample = renderConfigFile(`lifecycle-${env}.json`, { prefix: env }) as {
        Rules: Array<{ Expiration: { Days: number } }>;
      };
      const days = sample.Rules[0]!.Expiration.Days;
      expect(retentionRule({ prefix: env, days })).toEqual(sample.Rules[0]);
    },
  );
});
