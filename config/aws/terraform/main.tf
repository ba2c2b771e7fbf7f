# One module instance per environment, each with its own bucket, KMS key, lifecycle rules and
# roles: applying staging next to prod can neither fail on a taken bucket nor replace prod's
# lifecycle configuration or default key. GitHub's OIDC provider is the account's, created once.
resource "aws_iam_openid_connect_provider" "github" {
  count          = var.create_oidc_provider ? 1 : 0
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}

module "environment" {
  source   = "./modules/environment"
  for_each = var.environments

  environment          = each.key
  bucket_name          = each.value.bucket_name
  prefix               = each.value.prefix
  object_lock_mode     = each.value.object_lock_mode
  github_org           = var.github_org
  github_repo          = var.github_repo
  max_session_duration = var.max_session_duration

  # the roles' trust policy names the provider, which IAM checks when the role is created
  depends_on = [aws_iam_openid_connect_provider.github]
}
