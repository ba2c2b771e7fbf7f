import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent as HttpsAgent } from "node:https";
import { createSecureContext, rootCertificates } from "node:tls";
import { CreateBucketCommand, PutBucketEncryptionCommand, S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";

/** One S3 store of the integration tests: MinIO ({@link S3TestEnv}) or versitygw. */
export interface S3StoreTestEnv {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  mode: "local" | "testcontainers";
  /**
   * PEM file of the CA behind an https endpoint (the local services' private CA,
   * AWS_CA_BUNDLE); undefined for plain http (the containers).
   */
  caBundle?: string;
  /** A new client for this store (path-style addressing; trusts `caBundle` when set). */
  client(): S3Client;
  /** Creates a fresh bucket with a unique name and returns the name. */
  createBucket(namePrefix?: string): Promise<string>;
  /**
   * Environment for spawning the CLIs: BACKUP_S3_ENDPOINT, AWS_*; with a `caBundle` also
   * AWS_CA_BUNDLE and NODE_EXTRA_CA_CERTS (so plain SDK scripts trust it too).
   */
  processEnv(): Record<string, string>;
}

/** The local MinIO (or its container): SSE-S3 and SSE-KMS work, under this key id. */
export interface S3TestEnv extends S3StoreTestEnv {
  kmsKeyId: string;
}

export type StoreSettings = Pick<
  S3StoreTestEnv,
  "endpoint" | "region" | "accessKeyId" | "secretAccessKey" | "mode" | "caBundle"
>;

/** The PEM text of an AWS_CA_BUNDLE file; a missing or empty file is a setup error. */
export function readCaBundle(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(
      `AWS_CA_BUNDLE=${path} cannot be read (run \`pnpm services up\`, or unset it)`,
      { cause: error },
    );
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new Error(`AWS_CA_BUNDLE=${path} holds no PEM certificate`);
  }
  return pem;
}

/**
 * `defaultEncryption`: new buckets get an SSE-S3 default encryption, as every bucket
 * config/aws/terraform makes (nbs-upload's default `--sse bucket` relies on it); false for a
 * store without SSE (versitygw answers PutBucketEncryption with NotImplemented).
 */
export function createStoreTestEnv(
  settings: StoreSettings,
  defaultEncryption = true,
): S3StoreTestEnv {
  const ca = settings.caBundle === undefined ? undefined : readCaBundle(settings.caBundle);
  const client = (): S3Client =>
    new S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      forcePathStyle: true,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      ...(ca === undefined
        ? {}
        : {
            requestHandler: new NodeHttpHandler({
              // A secure context: a `ca` array would be stringified into every request's pool key.
              httpsAgent: new HttpsAgent({
                secureContext: createSecureContext({ ca: [...rootCertificates, ca] }),
              }),
            }),
          }),
    });
  return {
    ...settings,
    client,
    async createBucket(namePrefix = "nbs-test") {
      const suffix = `${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
      const name = `${namePrefix.toLowerCase().slice(0, 63 - suffix.length - 1)}-${suffix}`;
      const s3 = client();
      try {
        await s3.send(new CreateBucketCommand({ Bucket: name }));
        // Like every bucket config/aws/terraform makes, it has a default encryption: nbs-upload's
        // default (--sse bucket) relies on it. SSE-S3 here; tests that need SSE-KMS set their own.
        if (defaultEncryption)
          await s3.send(
            new PutBucketEncryptionCommand({
              Bucket: name,
              ServerSideEncryptionConfiguration: {
                Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
              },
            }),
          );
      } finally {
        s3.destroy();
      }
      return name;
    },
    processEnv: () => ({
      BACKUP_S3_ENDPOINT: settings.endpoint,
      AWS_ACCESS_KEY_ID: settings.accessKeyId,
      AWS_SECRET_ACCESS_KEY: settings.secretAccessKey,
      AWS_REGION: settings.region,
      ...(settings.caBundle === undefined
        ? {}
        : { AWS_CA_BUNDLE: settings.caBundle, NODE_EXTRA_CA_CERTS: settings.caBundle }),
    }),
  };
}
