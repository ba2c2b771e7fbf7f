import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { describeInteg, getVersitygwTestEnv } from "../src/index.ts";
import { answers } from "../src/services-env.ts";

describeInteg("versitygw test env (real versitygw)", () => {
  it("is reached over https only through its CA bundle (the local service)", async (ctx) => {
    const env = await getVersitygwTestEnv();
    if (env.mode !== "local") ctx.skip(); // the container is plain http
    const url = `${env.endpoint}/nbs-health`;
    expect(await answers(url, { ca: readFileSync(env.caBundle!, "utf8") })).toBe(true);
    expect(await answers(url)).toBe(false); // Node's roots alone do not trust it
  });

  it("points the CLIs at versitygw, with no KMS key (it has no SSE)", async () => {
    const env = await getVersitygwTestEnv();
    const vars = env.processEnv();
    expect(vars).toMatchObject({
      BACKUP_S3_ENDPOINT: env.endpoint,
      AWS_ACCESS_KEY_ID: env.accessKeyId,
      AWS_SECRET_ACCESS_KEY: env.secretAccessKey,
    });
    expect(vars).not.toHaveProperty("NBS_KMS_KEY_ID");
    expect(await env.createBucket("testenv")).toMatch(/^testenv-[a-z0-9-]+$/);
  });
});
