locals {
  prefix = coalesce(var.prefix, var.environment)

  # Days a backup is kept, per environment. Must equal Expiration.Days in config/aws/lifecycle-<env>.json
  # (a test in tooling/ops-checks compares them).
  retention_days = {
    dev     = 7
    staging = 30
    prod    = 90
  }
  # Days each new backup is locked (the bucket's default Object Lock retention); 0 turns Object
  # Lock off for that environment. At most retention_days: a version cannot be removed before.
  object_lock_days = {
    dev     = 1
    staging = 7
    prod    = 30
  }
  # A version replaced or expired stays recoverable this long (NoncurrentVersionExpiration).
  noncurrent_days = 7
  # Parts of an interrupted multipart upload are removed after (AbortIncompleteMultipartUpload).
  abort_incomplete_days = 1

  account_id         = data.aws_caller_identity.current.account_id
  region             = data.aws_region.current.name
  oidc_provider_arn  = "arn:aws:iam::${local.account_id}:oidc-provider/token.actions.githubusercontent.com"
  upload_role_name   = "nbs-${local.prefix}-upload"
  verify_role_name   = "nbs-${local.prefix}-verify"
  prune_role_name    = "nbs-${local.prefix}-prune"
  policy_source_root = "${path.module}/../../.."
}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

# The JSON files in config/aws are the policies; they are rendered here, not copied,
# so what a reviewer reads in ../*.json is what Terraform attaches.
locals {
  rendered = {
    for name in ["bucket-policy", "iam-upload-policy", "iam-verify-policy", "iam-prune-policy", "kms-key-policy", "oidc-trust-policy"] :
    name => replace(replace(replace(replace(replace(replace(replace(
      file("${local.policy_source_root}/${name}.json"),
      "<bucket>", var.bucket_name),
      "<prefix>", local.prefix),
      "<account-id>", local.account_id),
      "<region>", local.region),
      "<kms-key-arn>", aws_kms_key.backups.arn),
      "<github-org>", var.github_org),
    "<github-repo>", var.github_repo)
  }
}
