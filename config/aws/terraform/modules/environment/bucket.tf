resource "aws_s3_bucket" "backups" {
  bucket = var.bucket_name
  #checkov:skip=CKV_AWS_18:server access logging needs a separate log bucket that the organisation's logging account owns; CloudTrail data events are the audit trail (docs/neo4j/server.md, provisioning)
  #checkov:skip=CKV_AWS_144:cross-region replication is optional and needs a second bucket and replica key in another region; docs/neo4j/server.md describes it
  #checkov:skip=CKV2_AWS_62:nothing consumes bucket events; a committed backup is announced by the job's own exit code and report
}

resource "aws_s3_bucket_ownership_controls" "backups" {
  bucket = aws_s3_bucket.backups.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "backups" {
  bucket                  = aws_s3_bucket.backups.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "backups" {
  bucket = aws_s3_bucket.backups.id
  versioning_configuration {
    status = "Enabled"
  }
}

# S3 Object Lock (immutable backups): every new object version gets this environment's default
# retention in GOVERNANCE mode (nbs-upload --object-lock bucket records it; --object-lock
# governance|compliance --object-lock-days N names a longer one). Until it ends no one deletes or
# overwrites that version: the upload role may extend a retention but is denied
# s3:BypassGovernanceRetention, which shortening or removing one needs (../../../iam-upload-policy.json).
# Object Lock needs versioning; locked versions stay billed until their retention ends (and
# NoncurrentVersionExpiration below then removes them). An existing bucket is switched on in place:
# this resource, not the bucket's object_lock_enabled argument, which would replace the bucket.
resource "aws_s3_bucket_object_lock_configuration" "backups" {
  count  = local.object_lock_days[var.environment] > 0 ? 1 : 0
  bucket = aws_s3_bucket.backups.id

  object_lock_enabled = "Enabled"

  rule {
    default_retention {
      mode = var.object_lock_mode
      days = local.object_lock_days[var.environment]
    }
  }

  depends_on = [aws_s3_bucket_versioning.backups]
}

resource "aws_s3_bucket_server_side_encryption_configuration" "backups" {
  bucket = aws_s3_bucket.backups.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.backups.arn
    }
    bucket_key_enabled = true
  }
}

# ../../../bucket-policy.json: only TLS, and no PutObject / CompleteMultipartUpload under the
# prefix without If-None-Match (nbs sends it on every write), so no principal overwrites a backup.
# The roles' own policies deny writes naming another encryption or key.
resource "aws_s3_bucket_policy" "backups" {
  bucket = aws_s3_bucket.backups.id
  policy = local.rendered["bucket-policy"]

  depends_on = [aws_s3_bucket_public_access_block.backups]
}

# The rule nbs-upload's `retention` command prints and merges (scripts/neo4j/retention.sh), and
# config/aws/lifecycle-<env>.json: same ID, filter and numbers.
resource "aws_s3_bucket_lifecycle_configuration" "backups" {
  bucket = aws_s3_bucket.backups.id

  rule {
    id     = "nbs-retention-${local.prefix}"
    status = "Enabled"

    filter {
      prefix = "${local.prefix}/"
    }

    expiration {
      days = local.retention_days[var.environment]
    }

    noncurrent_version_expiration {
      noncurrent_days = local.noncurrent_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = local.abort_incomplete_days
    }
  }

  # Bucket-wide as well: parts of an interrupted upload anywhere in the bucket cost money and
  # are never a backup.
  rule {
    id     = "nbs-abort-incomplete-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = local.abort_incomplete_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.backups]
}
