variable "environment" {
  description = "dev, staging or prod: picks the retention (7 / 30 / 90 days, as in ../lifecycle-<env>.json)."
  type        = string
  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "bucket_name" {
  description = "The backup bucket (<bucket> in ../*.json). One bucket per account and region."
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

variable "github_org" {
  description = "GitHub organisation or user that owns the repository (<github-org>)."
  type        = string
}

variable "github_repo" {
  description = "Repository whose workflows may assume the roles (<github-repo>)."
  type        = string
}

variable "create_oidc_provider" {
  description = "Create GitHub's OIDC provider; false when the account already has one (there can be only one per URL)."
  type        = bool
  default     = true
}
