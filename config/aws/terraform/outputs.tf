output "environments" {
  description = "Per environment: BACKUP_S3_BUCKET (bucket), BACKUP_S3_PREFIX (prefix), BACKUP_KMS_KEY_ARN (kms_key_arn), NBS_UPLOAD_ROLE_ARN (upload_role_arn), NBS_VERIFY_ROLE_ARN (verify_role_arn), NBS_PRUNE_ROLE_ARN (prune_role_arn), AWS_REGION (region), BACKUP_RETENTION_DAYS (retention_days), object_lock_days (the bucket's default Object Lock retention; above 0, BACKUP_OBJECT_LOCK=bucket)."
  value = {
    for env, m in module.environment : env => {
      bucket           = m.bucket
      prefix           = m.prefix
      kms_key_arn      = m.kms_key_arn
      upload_role_arn  = m.upload_role_arn
      verify_role_arn  = m.verify_role_arn
      prune_role_arn   = m.prune_role_arn
      region           = m.region
      retention_days   = m.retention_days
      object_lock_days = m.object_lock_days
    }
  }
}
