import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { NbsError } from "@nbs/metadata";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { readFileSync } from "node:fs";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { rootCertificates } from "node:tls";
import { bodyChunksPlugin } from "./body-chunks.js";
import { payloadSigningPlugin, type PayloadSigning } from "./payload-signing.js";
import { createRetryStrategy, DEFAULT_MAX_ATTEMPTS } from "./retry.js";

/**
 * How the SDK adds its own request/response checksums (CRC32 trailers by default since
 * client-s3 3.729). `WHEN_REQUIRED` is our default: several S3-compatible stores reject or
 * mangle the aws-chunked trailer, and nbs carries its own end-to-end sha256 anyway.
 */
export type RequestChecksumMode = "WHEN_REQUIRED" | "WHEN_SUPPORTED";

export interface S3ClientOptions {
  region?: string;
  /** MinIO or another S3 API. Setting it turns on path-style addressing unless overridden. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Static credentials; omit to use the SDK's default chain (env, profile, OIDC web identity, IMDS). */
  credentials?: S3ClientConfig["credentials"];
  /** Attempts per request including the first (default 5). */
  maxAttempts?: number;
  /** Default `WHEN_REQUIRED`, see {@link RequestChecksumMode}. */
  checksumMode?: RequestChecksumMode;
  /** Multipart parts: SigV4 payload signing, default `auto`; see {@link PayloadSigning}. */
  payloadSigning?: PayloadSigning;
  /** PEM file of extra CAs to trust for https (a private CA in front of MinIO); AWS_CA_BUNDLE. */
  caBundle?: string;
  /** Parallel sockets; keep ≥ the upload concurrency (default 16). */
  maxSockets?: number;
  connectionTimeoutMs?: number;
  /** Idle-socket timeout per request (default 120 s). */
  requestTimeoutMs?: number;
}

export function createS3Client(options: S3ClientOptions = {}): S3Client {
  const maxSockets = options.maxSockets ?? 16;
  const checksum = options.checksumMode ?? "WHEN_REQUIRED";
  const ca = options.caBundle ? readCaBundle(options.caBundle) : undefined;
  const client = new S3Client({
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    retryStrategy: createRetryStrategy(options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
    requestChecksumCalculation: checksum,
    responseChecksumValidation: checksum,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: options.connectionTimeoutMs ?? 10_000,
      requestTimeout: options.requestTimeoutMs ?? 120_000,
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets, ...(ca ? { ca } : {}) }),
    }),
  });
  client.middlewareStack.use(payloadSigningPlugin(options.payloadSigning ?? "auto"));
  client.middlewareStack.use(bodyChunksPlugin());
  return client;
}

/** The system's roots plus the bundle: a private CA is added, public S3 keeps working. */
function readCaBundle(path: string): string[] {
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new NbsError("USAGE", `cannot read the CA bundle ${path}: ${code}`, {
      hint: "point --ca-bundle / AWS_CA_BUNDLE at a readable PEM file, or unset it",
      cause: error,
    });
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new NbsError("USAGE", `the CA bundle ${path} holds no PEM certificate`, {
      hint: "point --ca-bundle / AWS_CA_BUNDLE at a PEM file (-----BEGIN CERTIFICATE-----)",
    });
  }
  return [...rootCertificates, pem];
}
