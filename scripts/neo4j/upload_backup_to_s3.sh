#!/usr/bin/env bash
# Upload a dump to S3-compatible storage with its sha256 and .meta.json sidecar.
# Thin entry point for `nbs-upload`: every argument is passed through; see `--help`.
#   upload_backup_to_s3.sh --file /var/backups/neo4j/neo4j-20261124T101500Z.dump
# Configuration: BACKUP_S3_BUCKET, BACKUP_S3_PREFIX, BACKUP_S3_ENDPOINT, BACKUP_USE_SSE_KMS,
# BACKUP_KMS_KEY_ARN; credentials from the AWS SDK's default chain only.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_cli.sh"
nbs_exec nbs-upload NBS_UPLOAD_BIN upload-cli upload "$@"
