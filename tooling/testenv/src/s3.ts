import { randomBytes } from "node:crypto";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
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
  /** A new client for this store (path-style addressing). */
  client(): S3Client;
  /** Creates a fresh bucket with a unique name and returns the name. */
  createBucket(namePrefix?: string): Promise<string>;
  /** Environment for spawning the CLIs: BACKUP_S3_ENDPOINT, AWS_*, NBS_KMS_KEY_ID. */
  processEnv(): Record<string, string>;
}

interface S3Settings {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  kmsKeyId: string;
  mode: S3TestEnv["mode"];
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
  if (vars && (await answers(`${vars["BACKUP_S3_ENDPOINT"]}/minio/health/live`))) {
    return {
      endpoint: vars["BACKUP_S3_ENDPOINT"]!,
      region: vars["AWS_REGION"] ?? "us-east-1",
      accessKeyId: vars["AWS_ACCESS_KEY_ID"]!,
      secretAccessKey: vars["AWS_SECRET_ACCESS_KEY"]!,
      kmsKeyId: vars["NBS_KMS_KEY_ID"] ?? KMS_KEY_ID,
      mode: "local",
    };
  }
  if (await containerRuntimeAvailable()) return startMinioContainer();
  throw new IntegServicesUnavailableError(
    vars ? `MinIO at ${vars["BACKUP_S3_ENDPOINT"]} does not answer` : "MinIO",
  );
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
  const client = (): S3Client =>
    new S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      forcePathStyle: true,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
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
    }),
  };
}
