import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { NbsError } from "@nbs/errors";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent as HttpsAgent } from "node:https";
import * as tls from "node:tls";
import { bodyChunksPlugin } from "./body-chunks.js";
import { payloadSigningPlugin, type PayloadSigning } from "./payload-signing.js";
import { createRetryStrategy, DEFAULT_MAX_ATTEMPTS } from "./retry.js";
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from "./timeout-defaults.js";

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
  /** TCP connect per attempt (default 5 s: `DEFAULT_CONNECT_TIMEOUT_MS` of `@nbs/s3-store/timeouts`). */
  connectTimeoutMs?: number;
  /**
   * Idle timeout per attempt: no byte sent or received for this long (TLS handshake, a part
   * that stops draining, a response or a body that stops coming) fails the attempt with a
   * TimeoutError, retried like other transient errors. Default 15 s (`DEFAULT_REQUEST_TIMEOUT_MS`).
   */
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
      connectionTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      // The handler's `requestTimeout` only logs a warning to the console unless told to
      // throw, and as a wall clock it would cut a slow but moving part. `socketTimeout` is
      // the idle timer, armed on the socket: it also ends a response body that stalls after
      // the command returned (GetObject's stream), by destroying it with the TimeoutError.
      socketTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      // Options, not an Agent: the handler makes the agent itself, and loads node:http only
      // for an http:// endpoint. Imported here, node:http's ES-module facade evaluated its lazy
      // exports, which loaded undici on every run (~10 ms), https endpoints included.
      httpAgent: { keepAlive: true, maxSockets },
      // A secure context, not `ca`: the agent would stringify a `ca` array (every root
      // certificate, ~200 KB) into its socket-pool key three times per request.
      httpsAgent: new HttpsAgent({
        keepAlive: true,
        maxSockets,
        ...(ca ? { secureContext: tls.createSecureContext({ ca }) } : {}),
      }),
    }),
  });
  client.middlewareStack.use(payloadSigningPlugin(options.payloadSigning ?? "auto"));
  client.middlewareStack.use(bodyChunksPlugin());
  return client;
}

/**
 * Node's default trust (its bundled roots plus NODE_EXTRA_CA_CERTS or the system store when
 * Node is told to use it) plus the bundle: a private CA is added, public S3 keeps working.
 */
function readCaBundle(path: string): string[] {
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new NbsError("CA_BUNDLE_INVALID", `cannot read the CA bundle ${path}: ${code}`, {
      hint: "point --ca-bundle / AWS_CA_BUNDLE at a readable PEM file, or unset it",
      cause: error,
    });
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const bad = blocks.findIndex((block) => !parses(block));
  if (blocks.length === 0 || bad >= 0) {
    throw new NbsError(
      "CA_BUNDLE_INVALID",
      blocks.length === 0
        ? `the CA bundle ${path} holds no PEM certificate`
        : `certificate ${bad + 1} in the CA bundle ${path} does not parse`,
      { hint: "point --ca-bundle / AWS_CA_BUNDLE at a PEM file of CA certificates" },
    );
  }
  // getCACertificates (Node >= 22.15) includes NODE_EXTRA_CA_CERTS and --use-system-ca.
  const defaults = tls.getCACertificates?.("default") ?? tls.rootCertificates;
  return [...defaults, ...blocks];
}

function parses(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}
