"""Static checks of config/aws, run by tooling/ops-checks/check.sh in the cached venv.

1. parliament on every policy, rendered with sample values (placeholders are not ARNs);
   only the findings listed in EXPECTED, each with its reason, are tolerated.
2. Every Terraform file parses as HCL2 (no provider can be downloaded here, so this and
   checkov are all the Terraform gets; docs/neo4j/server.md says so).
3. The Terraform's retention numbers and the lifecycle-<env>.json samples agree.
4. The JSON files use only the documented placeholders.
5. The root module only instantiates modules/environment per environment, each with its own
   bucket: a second environment can neither fail on the first's bucket nor replace its
   lifecycle rules or default key.

Prints one line per problem and exits 1 if there is any.
"""

import json
import re
import sys
from pathlib import Path

import hcl2
from parliament import analyze_policy_string

AWS = Path(sys.argv[1] if len(sys.argv) > 1 else "config/aws")
PLACEHOLDERS = {"bucket", "prefix", "account-id", "region", "kms-key-arn", "github-org", "github-repo"}
SAMPLE = {
    "bucket": "acme-neo4j-backups",
    "prefix": "prod",
    "account-id": "123456789012",
    "region": "eu-west-1",
    "kms-key-arn": "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "github-org": "acme",
    "github-repo": "graph-platform",
}
# file -> {parliament issue: why it is expected}
EXPECTED = {
    "kms-key-policy.json": {
        "RESOURCE_STAR": 'a key policy can only name its own key, as "*"',
    },
    "oidc-trust-policy.json": {
        "MALFORMED": "a trust policy has no Resource element",
        "UNKNOWN_FEDERATION_SOURCE": "parliament does not know GitHub's OIDC provider",
    },
}
ENVIRONMENTS = {"dev", "staging", "prod"}

problems: list[str] = []


def render(text: str) -> str:
    return re.sub(r"<([a-z][a-z-]*)>", lambda m: SAMPLE.get(m.group(1), m.group(0)), text)


def check_placeholders_and_parliament() -> int:
    checked = 0
    for path in sorted(AWS.glob("*.json")):
        text = path.read_text()
        unknown = {m for m in re.findall(r"<([a-z][a-z-]*)>", text)} - PLACEHOLDERS
        if unknown:
            problems.append(f"{path}: unknown placeholders {sorted(unknown)}; use {sorted(PLACEHOLDERS)}")
        if path.name.startswith("lifecycle-"):
            continue
        expected = EXPECTED.get(path.name, {})
        for finding in analyze_policy_string(render(text), filepath=str(path)).findings:
            if finding.issue in expected:
                continue
            where = finding.location.get("line", "?")
            problems.append(f"{path}:{where}: parliament {finding.severity} {finding.issue}: {finding.title} {finding.detail}")
        checked += 1
    return checked


def load_terraform() -> dict:
    merged: dict = {"locals": [], "resource": []}
    for path in sorted((AWS / "terraform").rglob("*.tf")):
        try:
            with path.open() as handle:
                doc = hcl2.load(handle)
        except Exception as error:  # the parser raises lark errors of several kinds
            problems.append(f"{path}: does not parse as HCL2: {str(error).splitlines()[0]}")
            continue
        merged["locals"].extend(doc.get("locals", []))
        merged["resource"].extend(doc.get("resource", []))
    return merged


def unwrap(value):
    """This parser wraps every attribute value in a one-element list."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def retention_rule(terraform: dict) -> dict:
    for block in terraform["resource"]:
        for config in block.get("aws_s3_bucket_lifecycle_configuration", {}).values():
            for rule in config.get("rule", []):
                if unwrap(rule.get("id", "")).startswith("nbs-retention-"):
                    return rule
    problems.append("terraform: no aws_s3_bucket_lifecycle_configuration rule with id nbs-retention-*")
    return {}


def terraform_local(terraform: dict, name: str):
    for block in terraform["locals"]:
        if name in block:
            return unwrap(block[name])
    problems.append(f"{AWS}/terraform: local {name} not found")
    return None


def as_placeholder(value):
    return value.replace("${local.prefix}", "<prefix>") if isinstance(value, str) else value


def check_lifecycle_agreement(terraform: dict) -> None:
    days = terraform_local(terraform, "retention_days") or {}
    noncurrent = terraform_local(terraform, "noncurrent_days")
    abort = terraform_local(terraform, "abort_incomplete_days")
    tf_rule = retention_rule(terraform)
    expiration = unwrap(unwrap(tf_rule.get("expiration", [{}])).get("days"))
    if expiration != "${local.retention_days[var.environment]}":
        problems.append(f"terraform: the retention rule expires after {expiration}, not local.retention_days[var.environment]")
    if set(days) != ENVIRONMENTS:
        problems.append(f"terraform retention_days covers {sorted(days)}, expected {sorted(ENVIRONMENTS)}")
    for env in sorted(ENVIRONMENTS):
        path = AWS / f"lifecycle-{env}.json"
        rules = json.loads(path.read_text())["Rules"]
        if len(rules) != 1:
            problems.append(f"{path}: expected one rule, found {len(rules)}")
            continue
        rule = rules[0]
        pairs = [
            ("Expiration.Days", rule["Expiration"]["Days"], f"retention_days.{env}", days.get(env)),
            ("NoncurrentDays", rule["NoncurrentVersionExpiration"]["NoncurrentDays"], "noncurrent_days", noncurrent),
            ("DaysAfterInitiation", rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"], "abort_incomplete_days", abort),
            ("ID", rule["ID"], "rule id", as_placeholder(unwrap(tf_rule.get("id")))),
            ("Filter.Prefix", rule["Filter"]["Prefix"], "filter prefix", as_placeholder(unwrap(unwrap(tf_rule.get("filter", [{}])).get("prefix")))),
        ]
        for json_name, json_value, tf_name, tf_value in pairs:
            if json_value != tf_value:
                problems.append(f"{path}: {json_name} is {json_value} but the Terraform's {tf_name} is {tf_value}")


def check_environment_split() -> None:
    root = AWS / "terraform"
    modules: list[dict] = []
    validations: list[str] = []
    for path in sorted(root.glob("*.tf")):
        with path.open() as handle:
            doc = hcl2.load(handle)
        for block in doc.get("resource", []):
            for rtype in block:
                if rtype.startswith(("aws_s3_bucket", "aws_kms_", "aws_iam_role")):
                    problems.append(f"{path}: {rtype} belongs in modules/environment (one per environment), not in the root")
        for block in doc.get("module", []):
            modules.extend(block.values())
        for block in doc.get("variable", []):
            for validation in block.get("environments", {}).get("validation", []):
                validations.append(str(unwrap(validation.get("condition"))))
    per_env = [m for m in modules if unwrap(m.get("source")) == "./modules/environment"]
    if len(per_env) != 1 or unwrap(per_env[0].get("for_each")) != "${var.environments}":
        problems.append(f"{root}: the root must instantiate ./modules/environment once, with for_each = var.environments")
    if not any("distinct(" in v and "bucket_name" in v for v in validations):
        problems.append(f"{root}: variable environments must refuse two environments sharing a bucket_name")


policies = check_placeholders_and_parliament()
check_environment_split()
terraform = load_terraform()
check_lifecycle_agreement(terraform)
for problem in problems:
    print(f"nbs iac: {problem}")
if problems:
    sys.exit(1)
print(f"nbs iac: parliament clean on {policies} policies; terraform parses, one module instance and bucket per environment; lifecycle samples agree with it")
