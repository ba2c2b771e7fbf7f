import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent as HttpsAgent } from "node:https";
import { createSecureContext, rootCertificates } from "node:tls";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { answers, resolveVars } from "./services-env.ts";
import { containerRuntimeAvailable, IntegServicesUnavailableError } from "./unavailable.ts";

export interface S3TestEnv {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Key id for SSE-KMS; the local MinIO has a static key by this name. */
  kmsKeyId: string;
  mode: "local" | "testcontainers";
  /**
   * PEM file of the CA behind an https endpoint (the local MinIO's private CA, AWS_CA_BUNDLE);
   * undefined for plain http (the MinIO container).
   */
  caBundle?: string;
  /** A new client for this store (path-style addressing; trusts `caBundle` when set). */
  client(): S3Client;
  /** Creates a fresh bucket with a unique name and returns the name. */
  createBucket(namePrefix?: string): Promise<string>;
  /**
   * Environment for spawning the CLIs: BACKUP_S3_ENDPOINT, AWS_*, NBS_KMS_KEY_ID; with a
   * `caBundle` also AWS_CA_BUNDLE and NODE_EXTRA_CA_CERTS (so plain SDK scripts trust it too).
   */
  processEnv(): Record<string, string>;
}

interface S3Settings {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  kmsKeyId: string;
  mode: S3TestEnv["mode"];
  caBundle?: string;
}

const KMS_KEY_ID = "nbs-test-key";
const LOCAL_VARS = ["BACKUP_S3_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] as const;

let pending: Promise<S3TestEnv> | undefined;

/**
 * The S3 store for integration tests, resolved once per process: variables already in the
 * environment, else `.nbs/services.env` when MinIO answers, else a MinIO container when a
 * container runtime is reachable. Throws {@link IntegServicesUnavailableError} otherwise.
 */
export function getS3TestEnv(): Promise<S3TestEnv> {
  pending ??= resolveS3Settings().then(createS3TestEnv);
  return pending;
}

async function resolveS3Settings(): Promise<S3Settings> {
  const vars = resolveVars(LOCAL_VARS);
  const caBundle = vars?.["AWS_CA_BUNDLE"] || undefined;
  const ca = caBundle === undefined ? undefined : readCaBundle(caBundle);
  if (vars && (await answers(`${vars["BACKUP_S3_ENDPOINT"]}/minio/health/live`, { ca }))) {
    return {
      endpoint: vars["BACKUP_S3_ENDPOINT"]!,
      region: vars["AWS_REGION"] ?? "us-east-1",
      accessKeyId: vars["AWS_ACCESS_KEY_ID"]!,
      secretAccessKey: vars["AWS_SECRET_ACCESS_KEY"]!,
      kmsKeyId: vars["NBS_KMS_KEY_ID"] ?? KMS_KEY_ID,
      mode: "local",
      ...(caBundle === undefined ? {} : { caBundle }),
    };
  }
  if (await containerRuntimeAvailable()) return startMinioContainer();
  throw new IntegServicesUnavailableError(
    vars
      ? `MinIO at ${vars["BACKUP_S3_ENDPOINT"]} does not answer` +
          (caBundle === undefined ? "" : ` (trusting AWS_CA_BUNDLE=${caBundle})`)
      : "MinIO",
  );
}

/** The PEM text of an AWS_CA_BUNDLE file; a missing or empty file is a setup error. */
function readCaBundle(path: string): string {
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

async function startMinioContainer(): Promise<S3Settings> {
  const { MinioContainer } = await import("@testcontainers/minio");
  const kmsSecret = `${KMS_KEY_ID}:${randomBytes(32).toString("base64")}`;
  const container = await new MinioContainer("minio/minio:RELEASE.2025-09-07T16-13-09Z")
    .withEnvironment({ MINIO_KMS_SECRET_KEY: kmsSecret })
    .start();
  return {
    endpoint: container.getConnectionUrl(),
    region: "us-east-1",
    accessKeyId: container.getUsername(),
    secretAccessKey: container.getPassword(),
    kmsKeyId: KMS_KEY_ID,
    mode: "testcontainers",
  };
}

function createS3TestEnv(settings: S3Settings): S3TestEnv {
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
      NBS_KMS_KEY_ID: settings.kmsKeyId,
      ...(settings.caBundle === undefined
        ? {}
        : { AWS_CA_BUNDLE: settings.caBundle, NODE_EXTRA_CA_CERTS: settings.caBundle }),
    }),
  };
}
