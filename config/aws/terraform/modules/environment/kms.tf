resource "aws_kms_key" "backups" {
  description             = "nbs Neo4j backups (${local.prefix}): SSE-KMS for s3://${var.bucket_name}/${local.prefix}/"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  # The key policy is attached below, once the roles it names exist (KMS rejects unknown principals).
  #checkov:skip=CKV2_AWS_64:the key policy is set by aws_kms_key_policy.backups (../kms-key-policy.json); checkov does not follow the separate resource
}

resource "aws_kms_alias" "backups" {
  name          = "alias/nbs-${local.prefix}-backups"
  target_key_id = aws_kms_key.backups.key_id
}

resource "aws_kms_key_policy" "backups" {
  key_id = aws_kms_key.backups.id
  policy = local.rendered["kms-key-policy"]

  depends_on = [aws_iam_role.upload, aws_iam_role.verify]
}
