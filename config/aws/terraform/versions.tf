terraform {
  # Written for Terraform >= 1.6 and OpenTofu >= 1.6. Checked in nbs's tests by an HCL parser
  # and checkov only; no provider could be downloaded there (see docs/neo4j/server.md).
  # The root instantiates ./modules/environment once per environment (main.tf).
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.81, < 7.0"
    }
  }
}
