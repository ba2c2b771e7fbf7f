import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  closeSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "node:https";
import { baseEnv, repoRoot, run, type Run } from "./run.ts";

export interface OidcMinio {
  /** https://127.0.0.1:port: S3 API and STS. */
  endpoint: string;
  /** The role MinIO derived from the OpenID client id (it logs it at start). */
  roleArn: string;
  /** The local CA's certificate (the same CA as the service MinIO). */
  caBundle: string;
  /** mc against this server as root. */
  mc(args: readonly string[]): Promise<Run>;
  close(): Promise<void>;
}

function pinOf(name: string): string {
  const text = readFileSync(join(repoRoot, "tooling/services/minio.sh"), "utf8");
  const pin = new RegExp(`^${name}="([^"]+)"`, "m").exec(text)?.[1];
  if (!pin) throw new Error(`no ${name} in tooling/services/minio.sh`);
  return pin;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

/** True when `url` answers 2xx within 2 s over https trusting `ca`. */
function healthy(url: string, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { ca, timeout: 2000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}

/**
 * A MinIO of its own (the cached binary of tooling/services, a temp data dir, a free port,
 * https with the local CA) whose STS trusts `issuer` for client id `sts.amazonaws.com`, the
 * role mapped to `policyName`. The policy and `buckets` are created before it is returned.
 */
export async function startOidcMinio(options: {
  issuer: string;
  policyName: string;
  policy: unknown;
  buckets: readonly string[];
}): Promise<OidcMinio> {
  const cache = process.env["NBS_CACHE_DIR"] ?? join(homedir(), ".cache/nbs");
  const minio = join(cache, "minio", pinOf("MINIO_PIN"), "bin/minio");
  const mcBin = join(cache, "mc", pinOf("MC_PIN"), "bin/mc");
  const serviceCerts = join(repoRoot, ".nbs/minio/certs");
  const caBundle = join(repoRoot, ".nbs/minio/ca/ca.crt");
  const dir = mkdtempSync(join(tmpdir(), "nbs-oidc-minio-"));
  cpSync(serviceCerts, join(dir, "certs"), { recursive: true });
  mkdirSync(join(dir, "mc/certs/CAs"), { recursive: true });
  cpSync(caBundle, join(dir, "mc/certs/CAs/nbs-local-ca.crt"));
  const port = await freePort();
  const endpoint = `https://127.0.0.1:${port}`;
  const user = `root-${randomBytes(4).toString("hex")}`;
  const password = randomBytes(24).toString("base64url");
  const log = join(dir, "minio.log");
  const out = openSync(log, "a");
  const child: ChildProcess = spawn(
    minio,
    [
      "server",
      "--certs-dir",
      join(dir, "certs"),
      "--address",
      `127.0.0.1:${port}`,
      join(dir, "data"),
    ],
    {
      env: {
        ...baseEnv(),
        MINIO_ROOT_USER: user,
        MINIO_ROOT_PASSWORD: password,
        MINIO_KMS_SECRET_KEY: `nbs-oidc-key:${randomBytes(32).toString("base64")}`,
        MINIO_IDENTITY_OPENID_CONFIG_URL: `${options.issuer}/.well-known/openid-configuration`,
        MINIO_IDENTITY_OPENID_CLIENT_ID: "sts.amazonaws.com",
        MINIO_IDENTITY_OPENID_ROLE_POLICY: options.policyName,
        MINIO_UPDATE: "off",
        MINIO_BROWSER: "off",
      },
      stdio: ["ignore", out, out],
    },
  );
  closeSync(out);
  const close = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ca = readFileSync(caBundle, "utf8");
    const deadline = Date.now() + 30_000;
    let roleArn: string | undefined;
    while (Date.now() < deadline && child.exitCode === null) {
      roleArn ??= /arn:minio:iam:[^\s]*:role\/[\w-]+/.exec(readFileSync(log, "utf8"))?.[0];
      if (roleArn && (await healthy(`${endpoint}/minio/health/live`, ca))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (!roleArn || !(await healthy(`${endpoint}/minio/health/live`, ca))) {
      throw new Error(`the OIDC MinIO did not start within 30 s:\n${readFileSync(log, "utf8")}`);
    }
    const mcEnv = {
      ...baseEnv(),
      MC_CONFIG_DIR: join(dir, "mc"),
      MC_HOST_oidc: `https://${user}:${password}@127.0.0.1:${port}`,
    };
    const mc = (args: readonly string[]) => run(mcBin, args, mcEnv);
    writeFileSync(join(dir, "policy.json"), JSON.stringify(options.policy));
    for (const args of [
      ["admin", "policy", "create", "oidc", options.policyName, join(dir, "policy.json")],
      // each with a default encryption, as config/aws/terraform makes them: nbs-upload's
      // default (--sse bucket) relies on it
      ...options.buckets.flatMap((b) => [
        ["mb", `oidc/${b}`],
        ["encrypt", "set", "sse-s3", `oidc/${b}`],
      ]),
    ]) {
      const res = await mc(args);
      if (res.code !== 0)
        throw new Error(`mc ${args.join(" ")} failed: ${res.stderr}${res.stdout}`);
    }
    return { endpoint, roleArn, caBundle, mc, close };
  } catch (error) {
    await close();
    throw error;
  }
}
