/** The parts of an IAM policy document that the MinIO translation looks at. */
interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
  [other: string]: unknown;
}

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

const NEGATED = /^(StringNot|ArnNot|NumericNot|DateNot|NotIpAddress)/;

/** Condition keys MinIO refuses in a policy (measured with the MinIO in tooling/services). */
const AWS_ONLY_KEYS = new Set(["s3:if-none-match", "s3:ObjectCreationOperation"]);

/**
 * Condition keys MinIO refuses on some actions only (measured): it takes the Object Lock days
 * on s3:PutObjectRetention, not on s3:PutObject ("unsupported condition keys").
 */
const AWS_ONLY_KEYS_FOR: Record<string, readonly string[]> = {
  "s3:object-lock-remaining-retention-days": ["s3:PutObject"],
};

/**
 * The MinIO form of an AWS identity policy, derived so the proof on MinIO runs the same file an
 * operator attaches in AWS:
 * - statements that only grant `kms:` actions are dropped: MinIO rejects `kms:` statements on
 *   AWS key ARNs, and its KMS needs no grant for SSE-KMS through S3;
 * - `Arn…` operators become `String…Like`: MinIO has no ARN operators, and `ArnEquals` matches
 *   like `ArnLike` (wildcards allowed), which is what `StringLike` does on the whole string;
 * - `…IfExists` becomes the plain operator. That is only the same rule for negated operators
 *   (a missing key makes both true, in AWS and in MinIO), so any other `…IfExists` is refused
 *   rather than silently changing what the policy allows;
 * - a Deny on a conditional-write key (`s3:if-none-match`, `s3:ObjectCreationOperation`) is
 *   dropped: MinIO rejects the whole policy (`invalid condition key 's3:if-none-match'`), so that
 *   deny is proven only on AWS (docs/neo4j/server.md). Dropping a Deny only lets MinIO allow more;
 *   an Allow on such a key is refused. The same for a key MinIO refuses on that action only
 *   (the Object Lock days on s3:PutObject: the cap is proven on s3:PutObjectRetention).
 */
export function toMinioPolicy(policy: PolicyDocument): PolicyDocument {
  const statements: PolicyStatement[] = [];
  for (const statement of policy.Statement) {
    const awsOnly = Object.values(statement.Condition ?? {})
      .flatMap((keys) => Object.keys(keys))
      .filter(
        (key) =>
          AWS_ONLY_KEYS.has(key) ||
          [statement.Action].flat().some((action) => AWS_ONLY_KEYS_FOR[key]?.includes(action)),
      );
    if (awsOnly.length > 0) {
      if (statement.Effect !== "Deny") {
        throw new Error(
          `statement ${statement.Sid ?? "?"}: ${awsOnly.join(", ")} has no MinIO equivalent, and dropping an Allow would change what the proof shows`,
        );
      }
      continue;
    }
    const actions = [statement.Action].flat();
    const kms = actions.filter((a) => a.startsWith("kms:"));
    if (kms.length === actions.length) continue;
    if (kms.length > 0) {
      throw new Error(
        `statement ${statement.Sid ?? "?"} mixes kms: and other actions; split it so MinIO can drop the kms: part`,
      );
    }
    statements.push(
      statement.Condition === undefined
        ? statement
        : { ...statement, Condition: minioConditions(statement.Condition, statement.Sid) },
    );
  }
  return { ...policy, Statement: statements };
}

function minioConditions(
  conditions: NonNullable<PolicyStatement["Condition"]>,
  sid: string | undefined,
): NonNullable<PolicyStatement["Condition"]> {
  const out: NonNullable<PolicyStatement["Condition"]> = {};
  for (const [operator, keys] of Object.entries(conditions)) {
    let plain = operator;
    if (plain.endsWith("IfExists")) {
      plain = plain.slice(0, -"IfExists".length);
      if (!NEGATED.test(plain)) {
        throw new Error(
          `statement ${sid ?? "?"}: ${operator} has no MinIO equivalent (only negated operators translate)`,
        );
      }
    }
    plain = plain.replace(/^Arn(Not)?(Equals|Like)$/, "String$1Like");
    out[plain] = { ...out[plain], ...keys };
  }
  return out;
}
