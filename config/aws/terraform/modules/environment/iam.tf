# Both roles trust only GitHub Actions runs of <github-org>/<github-repo> (../../../oidc-trust-policy.json);
# GitHub's OIDC provider is the root module's (one per account).
resource "aws_iam_role" "upload" {
  name                 = local.upload_role_name
  description          = "nbs-upload: writes Neo4j backups under s3://${var.bucket_name}/${local.prefix}/"
  assume_role_policy   = local.rendered["oidc-trust-policy"]
  max_session_duration = var.max_session_duration
}

resource "aws_iam_role_policy" "upload" {
  name   = "nbs-upload"
  role   = aws_iam_role.upload.id
  policy = local.rendered["iam-upload-policy"]
}

resource "aws_iam_role" "verify" {
  name                 = local.verify_role_name
  description          = "nbs-verify: reads Neo4j backups under s3://${var.bucket_name}/${local.prefix}/ and writes only their verification records (<dump>.verify/*.json)"
  assume_role_policy   = local.rendered["oidc-trust-policy"]
  max_session_duration = var.max_session_duration
}

resource "aws_iam_role_policy" "verify" {
  name   = "nbs-verify"
  role   = aws_iam_role.verify.id
  policy = local.rendered["iam-verify-policy"]
}
