output "bucket" {
  description = "BACKUP_S3_BUCKET"
  value       = aws_s3_bucket.backups.bucket
}

output "prefix" {
  description = "BACKUP_S3_PREFIX"
  value       = local.prefix
}

output "kms_key_arn" {
  description = "BACKUP_KMS_KEY_ARN"
  value       = aws_kms_key.backups.arn
}

output "upload_role_arn" {
  description = "Repository variable NBS_UPLOAD_ROLE_ARN (role-to-assume of the upload job)"
  value       = aws_iam_role.upload.arn
}

output "verify_role_arn" {
  description = "Repository variable NBS_VERIFY_ROLE_ARN (role-to-assume of the verify job)"
  value       = aws_iam_role.verify.arn
}

output "prune_role_arn" {
  description = "Repository variable NBS_PRUNE_ROLE_ARN (role-to-assume of the prune job)"
  value       = aws_iam_role.prune.arn
}

output "region" {
  description = "AWS_REGION"
  value       = local.region
}

output "object_lock_days" {
  description = "Days the bucket's default Object Lock retention keeps each new backup (0: no Object Lock); with more than 0, BACKUP_OBJECT_LOCK=bucket makes nbs-upload require and record it"
  value       = local.object_lock_days[var.environment]
}

output "retention_days" {
  description = "BACKUP_RETENTION_DAYS"
  value       = local.retention_days[var.environment]
}
