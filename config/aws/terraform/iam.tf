resource "aws_iam_openid_connect_provider" "github" {
  count          = var.create_oidc_provider ? 1 : 0
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}

# Both roles trust only GitHub Actions runs of <github-org>/<github-repo> on main or in the
# `backups` environment (../oidc-trust-policy.json).
resource "aws_iam_role" "upload" {
  name                 = local.upload_role_name
  description          = "nbs-upload: writes Neo4j backups under s3://${var.bucket_name}/${local.prefix}/"
  assume_role_policy   = local.rendered["oidc-trust-policy"]
  max_session_duration = 3600

  depends_on = [aws_iam_openid_connect_provider.github]
}

resource "aws_iam_role_policy" "upload" {
  name   = "nbs-upload"
  role   = aws_iam_role.upload.id
  policy = local.rendered["iam-upload-policy"]
}

resource "aws_iam_role" "verify" {
  name                 = local.verify_role_name
  description          = "nbs-verify: reads Neo4j backups under s3://${var.bucket_name}/${local.prefix}/"
  assume_role_policy   = local.rendered["oidc-trust-policy"]
  max_session_duration = 3600

  depends_on = [aws_iam_openid_connect_provider.github]
}

resource "aws_iam_role_policy" "verify" {
  name   = "nbs-verify"
  role   = aws_iam_role.verify.id
  policy = local.rendered["iam-verify-policy"]
}
