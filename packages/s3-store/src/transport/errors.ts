import { NbsError, type NbsErrorCode } from "@nbs/errors";

interface S3ErrorShape {
  name?: string;
  Code?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/** What the SDK calls an error answer without a body (a HEAD's): its name says nothing. */
const BODILESS_NAMES = new Set(["Unknown", "403", "Forbidden"]);

/** A specific code, the one-line message and the hint. */
type Problem = [NbsErrorCode, string, string];

/** Turn an SDK or network failure into a one-line STORAGE-class error (a specific code) that names the problem and the fix. */
export function toStorageError(
  error: unknown,
  context: {
    bucket: string;
    key?: string;
    op: string;
    sseRequested?: boolean;
    /** When it was aborted, the failure is the interruption, not the store. */
    signal?: AbortSignal | undefined;
  },
): NbsError {
  if (error instanceof NbsError) return error;
  if (context.signal?.aborted) {
    const where = context.key
      ? `s3://${context.bucket}/${context.key}`
      : `bucket ${context.bucket}`;
    return new NbsError(
      "INTERRUPTED",
      `${context.op} ${where} was interrupted; nothing was committed`,
      {
        cause: error,
      },
    );
  }
  const e = (error ?? {}) as S3ErrorShape;
  const name = e.name ?? e.Code ?? e.code ?? "Error";
  const status = e.$metadata?.httpStatusCode;
  const attempts = e.$metadata?.attempts;
  const where = context.key ? `s3://${context.bucket}/${context.key}` : `bucket ${context.bucket}`;
  const tail = `${status === undefined ? "" : ` (HTTP ${status}`}${attempts && attempts > 1 ? `, ${attempts} attempts` : ""}${status === undefined ? "" : ")"}`;
  const known: Record<string, Problem> = {
    NoSuchBucket: [
      "BUCKET_NOT_FOUND",
      `bucket ${context.bucket} does not exist`,
      "create it or fix --bucket / BACKUP_S3_BUCKET",
    ],
    NoSuchKey: [
      "NO_SUCH_KEY",
      `${where} does not exist`,
      "check the key (nbs-verify --latest finds the newest committed backup)",
    ],
    AccessDenied: [
      "ACCESS_DENIED",
      `access denied to ${where}`,
      "check the IAM policy for this bucket and prefix",
    ],
    InvalidAccessKeyId: [
      "CREDENTIALS_REJECTED",
      "the access key id is not known to the storage service",
      // measured: MinIO answers expired STS credentials so, not with ExpiredToken
      "check AWS_ACCESS_KEY_ID / your credential source; temporary credentials that expired get this answer from MinIO",
    ],
    SignatureDoesNotMatch: [
      "CREDENTIALS_REJECTED",
      "the secret key does not match the access key id",
      "check AWS_SECRET_ACCESS_KEY / your credential source",
    ],
    CredentialsProviderError: [
      "CREDENTIALS_MISSING",
      "no AWS credentials found",
      "set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, or OIDC web identity",
    ],
    "KMS.NotFoundException": [
      "KMS_KEY_UNUSABLE",
      "the KMS key was not found",
      "check --kms-key / BACKUP_KMS_KEY_ARN",
    ],
    KMSNotFoundException: [
      "KMS_KEY_UNUSABLE",
      "the KMS key was not found",
      "check --kms-key / BACKUP_KMS_KEY_ARN",
    ],
    "KMS.DisabledException": [
      "KMS_KEY_UNUSABLE",
      "the KMS key is disabled",
      "enable the key or use another --kms-key",
    ],
  };
  // S3 says ExpiredToken, STS ExpiredTokenException: the session ended before the run did.
  known["ExpiredToken"] = known["ExpiredTokenException"] = [
    "CREDENTIALS_EXPIRED",
    `the session token expired during ${context.op} ${where}`,
    "the session was shorter than the run: raise role-duration-seconds of configure-aws-credentials (at most the role's max_session_duration) or refresh the credentials, then re-run (a committed backup is skipped, a stored identical dump adopted)",
  ];
  const corrupted: Problem = [
    "CORRUPTED_IN_TRANSIT",
    `the store refused ${where}: the bytes it received do not match their checksum (${name}), so they were corrupted on the way`,
    "nothing was committed; re-run, and if it repeats check proxies, NICs and memory between here and the store",
  ];
  for (const code of ["BadDigest", "XAmzContentChecksumMismatch", "XAmzContentSHA256Mismatch"]) {
    known[code] = corrupted;
  }
  known["InvalidDigest"] = [
    "STORE_ERROR",
    `the store refused a checksum nbs sent for ${where} as malformed (InvalidDigest)`,
    "this is a bug in nbs: please report it with the command line (no credentials)",
  ];
  // A HEAD's 403 has no body, so the SDK cannot name it ("Unknown"): it is still a denial.
  const bodiless403 =
    status === 403 && BODILESS_NAMES.has(name) ? known["AccessDenied"] : undefined;
  const hit =
    transportProblem(e.code) ?? timeoutProblem(e, context.op, where) ?? known[name] ?? bodiless403;
  const kmsHint = /kms/i.test(name) || /kms/i.test(e.message ?? "");
  // Stores without SSE answer a request that asks for it with a bare 500 (or a 501/400 naming it).
  const sseHint =
    context.sseRequested === true &&
    // 500/501 only: a 503 SlowDown or a gateway error after every retry is not about SSE.
    (status === 500 || status === 501 || /encrypt|sse|kms/i.test(`${name} ${e.message ?? ""}`));
  const [code, message, hint] = hit ?? [
    kmsHint ? "KMS_KEY_UNUSABLE" : status === undefined ? "NETWORK" : "STORE_ERROR",
    `${context.op} ${where} failed: ${name}${e.message && e.message !== name ? `: ${firstLine(e.message)}` : ""}`,
    sseHint
      ? "the request asked for server-side encryption and the store may lack SSE configuration (MinIO: a KMS); configure it, or re-run with --sse none (BACKUP_SSE=none) if this store cannot encrypt"
      : kmsHint
        ? "check the KMS key id and that the credentials may use it"
        : status === undefined
          ? "check --endpoint / network reachability; transient errors were retried"
          : "see the storage service's error code above",
  ];
  return new NbsError(code, `${message}${tail}`, { hint, cause: error });
}

/**
 * A connect or idle timeout (the handler's TimeoutError, or ETIMEDOUT), after the retries:
 * say that the store went silent, and which settings bound the wait.
 */
function timeoutProblem(e: S3ErrorShape, op: string, where: string): Problem | undefined {
  if (e.name !== "TimeoutError" && e.code !== "ETIMEDOUT") return undefined;
  return [
    "TIMEOUT",
    `${op} ${where} timed out, the store did not answer or stopped sending: ${sdkTimeoutText(e.message)}`,
    "check --endpoint and the network path to it; on a slow link raise --request-timeout (NBS_REQUEST_TIMEOUT, idle time per attempt) or --connect-timeout (NBS_CONNECT_TIMEOUT); --max-attempts sets the retries",
  ];
}

/** The handler's own sentence, without its package prefix and its note on who configured it. */
function sdkTimeoutText(message: string | undefined): string {
  return firstLine(message ?? "TimeoutError")
    .replace(/^@smithy\/node-http-handler - /, "")
    .replace(/ \(configured by client requestHandler\)\.?$/, "");
}

/** TLS failures by Node's error code: what went wrong with the endpoint, and what to do. */
function transportProblem(code: string | undefined): Problem | undefined {
  if (code === undefined) return undefined;
  if (["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID"].includes(code)) {
    return [
      "TLS_FAILED",
      `the storage endpoint's TLS certificate is outside its validity period (${code})`,
      "renew the endpoint's certificate, or check this machine's clock",
    ];
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return [
      "TLS_FAILED",
      "the storage endpoint's TLS certificate is for another host name (ERR_TLS_CERT_ALTNAME_INVALID)",
      "use the host name the certificate names in --endpoint, or reissue the certificate",
    ];
  }
  if (/^(SELF_SIGNED|DEPTH_ZERO|UNABLE_TO_|CERT_UNTRUSTED|CERT_SIGNATURE)/.test(code)) {
    return [
      "TLS_FAILED",
      `the storage endpoint's TLS certificate is not trusted (${code})`,
      "pass the CA that signed it with --ca-bundle / AWS_CA_BUNDLE",
    ];
  }
  if (["EPROTO", "ERR_SSL_WRONG_VERSION_NUMBER", "ERR_SSL_PACKET_LENGTH_TOO_LONG"].includes(code)) {
    return [
      "TLS_FAILED",
      `the storage endpoint does not speak TLS (${code})`,
      "check the scheme in --endpoint / BACKUP_S3_ENDPOINT: http:// or https://",
    ];
  }
  return undefined;
}

function firstLine(text: string): string {
  return text.split("\n")[0]!.slice(0, 300);
}

export function isNotFound(error: unknown): boolean {
  const e = error as S3ErrorShape;
  return (
    e?.name === "NotFound" ||
    e?.name === "NoSuchKey" ||
    (e?.$metadata?.httpStatusCode === 404 && e?.name !== "NoSuchBucket")
  );
}

export function isPreconditionFailed(error: unknown): boolean {
  const e = error as S3ErrorShape;
  return e?.name === "PreconditionFailed" || e?.$metadata?.httpStatusCode === 412;
}
