import { CreateBucketCommand, PutBucketEncryptionCommand, S3Client } from "@aws-sdk/client-s3";
import { getS3TestEnv } from "@nbs/testenv";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent as HttpsAgent, request } from "node:https";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { createSecureContext, rootCertificates } from "node:tls";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * A MinIO server of this test's own (the cached binary of tooling/services/minio.sh, its TLS
 * certificate, a temp data dir, a free port), so faults injected into it — SIGKILL, SIGSTOP —
 * never disturb the shared one.
 */
export interface MinioProcess {
  endpoint: string;
  pid(): number;
  /** Environment for the CLIs (endpoint, credentials, CA). */
  processEnv(): Record<string, string>;
  /** An independent client to look at the end state. */
  client(): S3Client;
  createBucket(name: string): Promise<string>;
  kill(signal: NodeJS.Signals): void;
  /** Start it again on the same port and data dir (after a SIGKILL). */
  restart(): Promise<void>;
  /** Kill it and delete its data. */
  remove(): Promise<void>;
}

export async function startMinioProcess(): Promise<MinioProcess> {
  const binary = minioBinary();
  const certsDir = join(REPO, ".nbs", "minio", "certs");
  // The shared MinIO made the CA and certificate; its env names the CA bundle.
  const shared = await getS3TestEnv();
  if (!existsSync(binary) || !existsSync(join(certsDir, "public.crt")) || !shared.caBundle) {
    throw new Error(
      `no local MinIO binary/certificates (${binary}, ${certsDir}): run \`bash tooling/services/services.sh up\``,
    );
  }
  const caBundle = shared.caBundle;
  const ca = readFileSync(caBundle, "utf8");
  const data = mkdtempSync(join(tmpdir(), "nbs-minio-fault-"));
  const port = await freePort();
  const user = `fault-${randomBytes(4).toString("hex")}`;
  const password = randomBytes(16).toString("hex");
  const endpoint = `https://127.0.0.1:${port}`;
  // The same KMS key across restarts: objects encrypted before a restart stay readable.
  const kmsKey = randomBytes(32).toString("base64");
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn(
      binary,
      ["server", "--quiet", "--certs-dir", certsDir, "--address", `127.0.0.1:${port}`, data],
      {
        env: {
          PATH: process.env["PATH"] ?? "",
          HOME: data,
          MINIO_ROOT_USER: user,
          MINIO_ROOT_PASSWORD: password,
          MINIO_KMS_SECRET_KEY: `nbs-test-key:${kmsKey}`,
          MINIO_UPDATE: "off",
          MINIO_BROWSER: "off",
        },
        stdio: "ignore",
      },
    );
    const deadline = Date.now() + 30_000;
    while (!(await healthy(endpoint, ca))) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`own MinIO on ${endpoint} did not become healthy`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await start();

  const client = () =>
    new S3Client({
      endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: user, secretAccessKey: password },
      requestHandler: {
        httpsAgent: new HttpsAgent({
          secureContext: createSecureContext({ ca: [...rootCertificates, ca] }),
        }),
      },
    });
  const exited = () =>
    new Promise<void>((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once("exit", () => resolve());
    });
  return {
    endpoint,
    pid: () => child!.pid!,
    processEnv: () => ({
      BACKUP_S3_ENDPOINT: endpoint,
      AWS_ACCESS_KEY_ID: user,
      AWS_SECRET_ACCESS_KEY: password,
      AWS_REGION: "us-east-1",
      AWS_CA_BUNDLE: caBundle,
    }),
    client,
    async createBucket(name) {
      const s3 = client();
      try {
        await s3.send(new CreateBucketCommand({ Bucket: name }));
        // a default encryption, as config/aws/terraform gives every bucket (nbs-upload's default)
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
    kill: (signal) => child?.kill(signal),
    async restart() {
      await exited();
      await start();
    },
    async remove() {
      child?.kill("SIGCONT");
      child?.kill("SIGKILL");
      await exited();
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** The binary services.sh builds: its pin is read from minio.sh, the one place it is written. */
function minioBinary(): string {
  const script = readFileSync(join(REPO, "tooling", "services", "minio.sh"), "utf8");
  const pin = /^MINIO_PIN="([^"]+)"/m.exec(script)?.[1];
  if (!pin) throw new Error("MINIO_PIN not found in tooling/services/minio.sh");
  const cache = process.env["NBS_CACHE_DIR"] ?? join(homedir(), ".cache", "nbs");
  return join(cache, "minio", pin, "bin", "minio");
}

function healthy(endpoint: string, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      `${endpoint}/minio/health/live`,
      { ca: [...rootCertificates, ca], agent: false, signal: AbortSignal.timeout(2000) },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on("error", () => resolve(false));
    req.end();
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("port")),
      );
    });
  });
}
