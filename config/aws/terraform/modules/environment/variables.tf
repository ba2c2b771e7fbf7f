variable "environment" {
  description = "dev, staging or prod: picks the retention (7 / 30 / 90 days, as in config/aws/lifecycle-<env>.json)."
  type        = string
  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "bucket_name" {
  description = "This environment's own backup bucket (<bucket> in config/aws/*.json): its lifecycle rules, default key and policy belong to this environment alone."
  type        = string
}

variable "prefix" {
  description = "Key prefix of this environment's backups (<prefix>); defaults to the environment name."
  type        = string
  default     = null
  validation {
    condition     = var.prefix == null || can(regex("^[a-z0-9][a-z0-9-]*$", var.prefix))
    error_message = "prefix must be lowercase letters, digits and dashes, without slashes."
  }
}

variable "object_lock_mode" {
  description = "Mode of the bucket's default Object Lock retention: GOVERNANCE (a principal with s3:BypassGovernanceRetention, which no nbs role has, can still shorten or remove it) or COMPLIANCE (no one can, not even the account root, until it ends)."
  type        = string
  default     = "GOVERNANCE"
  validation {
    condition     = contains(["GOVERNANCE", "COMPLIANCE"], var.object_lock_mode)
    error_message = "object_lock_mode must be GOVERNANCE or COMPLIANCE."
  }
}

variable "github_org" {
  description = "GitHub organisation or user that owns the repository (<github-org>)."
  type        = string
}

variable "github_repo" {
  description = "Repository whose workflows may assume the roles (<github-repo>)."
  type        = string
}

variable "max_session_duration" {
  description = "Longest session (seconds) the roles grant; at least the workflows' role-duration-seconds, which covers a job's timeout-minutes (a test compares them)."
  type        = number
  default     = 7200
  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200
    error_message = "max_session_duration must be 3600 to 43200 seconds (IAM's limits)."
  }
}
