import { randomBytes } from "node:crypto";
import {
  createStoreTestEnv,
  readCaBundle,
  type S3TestEnv,
  type StoreSettings,
} from "./s3-store-env.ts";
import { answers, containersForced, resolveVars } from "./services-env.ts";
import {
  containerRuntimeAvailable,
  IntegServicesUnavailableError,
  noLocal,
} from "./unavailable.ts";

const KMS_KEY_ID = "nbs-test-key";
const LOCAL_VARS = ["BACKUP_S3_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] as const;

type MinioSettings = StoreSettings & { kmsKeyId: string };

let pending: Promise<S3TestEnv> | undefined;

/**
 * The MinIO for integration tests, resolved once per process: variables already in the
 * environment, else `.nbs/services.env` when MinIO answers, else a MinIO container when a
 * container runtime is reachable. Throws {@link IntegServicesUnavailableError} otherwise.
 */
export function getS3TestEnv(): Promise<S3TestEnv> {
  pending ??= resolveMinioSettings().then(({ kmsKeyId, ...settings }) => {
    const store = createStoreTestEnv(settings);
    return {
      ...store,
      kmsKeyId,
      processEnv: () => ({ ...store.processEnv(), NBS_KMS_KEY_ID: kmsKeyId }),
    };
  });
  return pending;
}

async function resolveMinioSettings(): Promise<MinioSettings> {
  const vars = containersForced() ? undefined : resolveVars(LOCAL_VARS);
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
      : noLocal("MinIO"),
  );
}

async function startMinioContainer(): Promise<MinioSettings> {
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
