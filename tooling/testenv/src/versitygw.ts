import { randomBytes } from "node:crypto";
import {
  createStoreTestEnv,
  readCaBundle,
  type S3StoreTestEnv,
  type StoreSettings,
} from "./s3-store-env.ts";
import { answers, containersForced, resolveVars } from "./services-env.ts";
import {
  containerRuntimeAvailable,
  IntegServicesUnavailableError,
  noLocal,
} from "./unavailable.ts";

const LOCAL_VARS = ["NBS_VGW_ENDPOINT", "NBS_VGW_ACCESS_KEY", "NBS_VGW_SECRET_KEY"] as const;
/** Set by tooling/services/versitygw.sh (`--health`); versitygw has no health path by default. */
const HEALTH_PATH = "/nbs-health";
const IMAGE = "versity/versitygw:v1.8.0";

let pending: Promise<S3StoreTestEnv> | undefined;

/**
 * versitygw, a second S3 implementation (posix backend), resolved once per process like
 * {@link getS3TestEnv}: NBS_VGW_* in the environment or `.nbs/services.env` when it answers,
 * else a container. It accepts SSE headers and ignores them (see tooling/services/README.md).
 */
export function getVersitygwTestEnv(): Promise<S3StoreTestEnv> {
  pending ??= resolveVersitygwSettings().then((settings) => createStoreTestEnv(settings, false));
  return pending;
}

async function resolveVersitygwSettings(): Promise<StoreSettings> {
  const vars = containersForced() ? undefined : resolveVars(LOCAL_VARS);
  const caBundle = vars?.["AWS_CA_BUNDLE"] || undefined;
  const ca = caBundle === undefined ? undefined : readCaBundle(caBundle);
  if (vars && (await answers(`${vars["NBS_VGW_ENDPOINT"]}${HEALTH_PATH}`, { ca }))) {
    return {
      endpoint: vars["NBS_VGW_ENDPOINT"]!,
      region: "us-east-1",
      accessKeyId: vars["NBS_VGW_ACCESS_KEY"]!,
      secretAccessKey: vars["NBS_VGW_SECRET_KEY"]!,
      mode: "local",
      ...(caBundle === undefined ? {} : { caBundle }),
    };
  }
  if (await containerRuntimeAvailable()) return startVersitygwContainer();
  throw new IntegServicesUnavailableError(
    vars ? `versitygw at ${vars["NBS_VGW_ENDPOINT"]} does not answer` : noLocal("versitygw"),
  );
}

async function startVersitygwContainer(): Promise<StoreSettings> {
  const { GenericContainer, Wait } = await import("testcontainers");
  const accessKeyId = `nbs-${randomBytes(4).toString("hex")}`;
  const secretAccessKey = randomBytes(24).toString("base64url");
  const container = await new GenericContainer(IMAGE)
    .withEnvironment({ ROOT_ACCESS_KEY: accessKeyId, ROOT_SECRET_KEY: secretAccessKey })
    // /tmp/vgw exists in the image; plain http, like the MinIO container
    .withCommand(["--port", ":7070", "--health", HEALTH_PATH, "posix", "/tmp/vgw"])
    .withExposedPorts(7070)
    .withWaitStrategy(Wait.forHttp(HEALTH_PATH, 7070))
    .start();
  return {
    endpoint: `http://${container.getHost()}:${container.getMappedPort(7070)}`,
    region: "us-east-1",
    accessKeyId,
    secretAccessKey,
    mode: "testcontainers",
  };
}
