import { NbsError } from "@nbs/metadata";

interface S3ErrorShape {
  name?: string;
  Code?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/** Turn an SDK or network failure into a one-line STORAGE error that names the problem and the fix. */
export function toStorageError(
  error: unknown,
  context: { bucket: string; key?: string; op: string },
): NbsError {
  if (error instanceof NbsError) return error;
  const e = (error ?? {}) as S3ErrorShape;
  const name = e.name ?? e.Code ?? e.code ?? "Error";
  const status = e.$metadata?.httpStatusCode;
  const attempts = e.$metadata?.attempts;
  const where = context.key ? `s3://${context.bucket}/${context.key}` : `bucket ${context.bucket}`;
  const tail = `${status === undefined ? "" : ` (HTTP ${status}`}${attempts && attempts > 1 ? `, ${attempts} attempts` : ""}${status === undefined ? "" : ")"}`;
  const known: Record<string, [string, string]> = {
    NoSuchBucket: [
      `bucket ${context.bucket} does not exist`,
      "create it or fix --bucket / BACKUP_S3_BUCKET",
    ],
    AccessDenied: [`access denied to ${where}`, "check the IAM policy for this bucket and prefix"],
    InvalidAccessKeyId: [
      "the access key id is not known to the storage service",
      "check AWS_ACCESS_KEY_ID / your credential source",
    ],
    SignatureDoesNotMatch: [
      "the secret key does not match the access key id",
      "check AWS_SECRET_ACCESS_KEY / your credential source",
    ],
    ExpiredToken: [
      "the session token has expired",
      "refresh the credentials (re-run the OIDC step or aws sso login)",
    ],
    CredentialsProviderError: [
      "no AWS credentials found",
      "set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, or OIDC web identity",
    ],
    "KMS.NotFoundException": ["the KMS key was not found", "check --kms-key / BACKUP_KMS_KEY_ARN"],
    KMSNotFoundException: ["the KMS key was not found", "check --kms-key / BACKUP_KMS_KEY_ARN"],
    "KMS.DisabledException": ["the KMS key is disabled", "enable the key or use another --kms-key"],
  };
  const corrupted: [string, string] = [
    `the store refused ${where}: the bytes it received do not match their checksum (${name}), so they were corrupted on the way`,
    "nothing was committed; re-run, and if it repeats check proxies, NICs and memory between here and the store",
  ];
  for (const code of [
    "BadDigest",
    "InvalidDigest",
    "XAmzContentChecksumMismatch",
    "XAmzContentSHA256Mismatch",
  ]) {
    known[code] = corrupted;
  }
  const tls = TLS_TRUST_CODES.has(e.code ?? "");
  const hit = tls
    ? ([
        `the TLS certificate of the storage endpoint is not trusted (${e.code})`,
        "pass the CA that signed it with --ca-bundle / AWS_CA_BUNDLE, or fix --endpoint",
      ] as [string, string])
    : known[name];
  const kmsHint = /kms/i.test(name) || /kms/i.test(e.message ?? "");
  const [message, hint] = hit ?? [
    `${context.op} ${where} failed: ${name}${e.message && e.message !== name ? `: ${firstLine(e.message)}` : ""}`,
    kmsHint
      ? "check the KMS key id and that the credentials may use it"
      : status === undefined
        ? "check --endpoint / network reachability; transient errors were retried"
        : "see the storage service's error code above",
  ];
  return new NbsError("STORAGE", `${message}${tail}`, { hint, cause: error });
}

/** Node's codes for a certificate chain it does not trust or a name it does not match. */
const TLS_TRUST_CODES = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

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
