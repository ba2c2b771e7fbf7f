import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { Agent as HttpsAgent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSecureContext, rootCertificates } from "node:tls";
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { S3TestEnv } from "@nbs/testenv";

export interface MinioUser {
  accessKeyId: string;
  secretAccessKey: string;
  /** An S3 client signed as this user. */
  client: S3Client;
  /** Environment for spawning a CLI as this user (the root credentials replaced). */
  env: Record<string, string>;
}

/**
 * `mc` as the local MinIO's root (alias `nbs`, from .nbs/services.env). The policy proof needs
 * MinIO's admin API; without it the suite fails rather than passing unchecked.
 */
function mcBin(): { bin: string; env: NodeJS.ProcessEnv } {
  const bin = process.env["NBS_MC"];
  if (!bin) {
    throw new Error(
      "NBS_MC is not set: the policy proof needs the local MinIO's mc (run `pnpm services up` and `source .nbs/services.env`)",
    );
  }
  return { bin, env: process.env };
}

/** Run `mc` as root against the local MinIO (alias `nbs`). Errors name the subcommand only. */
export async function mc(args: string[]): Promise<void> {
  const { bin, env } = mcBin();
  const result = await new Promise<{ ok: boolean; stdout: string }>((resolve) => {
    execFile(bin, ["--json", ...args], { env }, (error, stdout) =>
      resolve({ ok: error === null, stdout }),
    );
  });
  // the command line may carry a user's secret key: keep it out of the test report
  if (!result.ok)
    throw new Error(`mc ${args.slice(0, 3).join(" ")} failed: ${result.stdout.trim()}`);
}

/** A fresh MinIO user (credentials made here, never logged) with `policy` attached. */
export async function createUserWithPolicy(
  s3: S3TestEnv,
  name: string,
  policy: unknown,
): Promise<MinioUser> {
  const file = join(mkdtempSync(join(tmpdir(), "nbs-policy-")), `${name}.json`);
  writeFileSync(file, JSON.stringify(policy, null, 2));
  const accessKeyId = `nbs${randomBytes(8).toString("hex")}`;
  const secretAccessKey = randomBytes(20).toString("hex");
  await mc(["admin", "policy", "create", "nbs", name, file]);
  await mc(["admin", "user", "add", "nbs", accessKeyId, secretAccessKey]);
  await mc(["admin", "policy", "attach", "nbs", name, "--user", accessKeyId]);
  return {
    accessKeyId,
    secretAccessKey,
    client: clientAs(s3, accessKeyId, secretAccessKey),
    env: {
      ...s3.processEnv(),
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
    },
  };
}

function clientAs(s3: S3TestEnv, accessKeyId: string, secretAccessKey: string): S3Client {
  const ca = s3.caBundle === undefined ? undefined : readFileSync(s3.caBundle, "utf8");
  return new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId, secretAccessKey },
    ...(ca === undefined
      ? {}
      : {
          requestHandler: new NodeHttpHandler({
            httpsAgent: new HttpsAgent({
              secureContext: createSecureContext({ ca: [...rootCertificates, ca] }),
            }),
          }),
        }),
  });
}
