variable "environments" {
  description = "The environments to provision, each with its own bucket, e.g. { prod = { bucket_name = \"acme-neo4j-backups-prod\" } }. Keys: dev, staging, prod; prefix defaults to the key."
  type = map(object({
    bucket_name = string
    prefix      = optional(string)
    # GOVERNANCE (default) or COMPLIANCE: the mode of the bucket's default Object Lock retention
    object_lock_mode = optional(string, "GOVERNANCE")
  }))
  validation {
    condition     = length(var.environments) > 0 && alltrue([for env in keys(var.environments) : contains(["dev", "staging", "prod"], env)])
    error_message = "environments must name at least one of dev, staging, prod, and nothing else."
  }
  validation {
    condition     = length(distinct([for e in values(var.environments) : e.bucket_name])) == length(var.environments)
    error_message = "each environment needs its own bucket_name: a bucket's lifecycle rules and default key belong to one environment."
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

variable "max_session_duration" {
  description = "Longest session (seconds) the roles grant; covers the workflows' role-duration-seconds."
  type        = number
  default     = 7200
}
