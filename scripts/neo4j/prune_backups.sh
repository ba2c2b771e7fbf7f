#!/usr/bin/env bash
# Keep-rule retention that protects verified backups: plan (default) or --apply the removal of
# backups under a prefix by restic-style rules, per database. Thin entry point for
# `nbs-upload prune`; see `prune_backups.sh --help` (the guarantees, options and exit codes).
#   prune_backups.sh --bucket b --prefix prod --keep-daily 7 --keep-weekly 4 --keep-monthly 12          # the plan
#   prune_backups.sh --bucket b --prefix prod --keep-daily 7 --keep-weekly 4 --keep-monthly 12 --apply  # deletes
# Never removes the newest committed or the newest verified backup, nor anything newer than the
# latter, nor anything while an upload of that database may be running, nor a locked backup.
# Configuration: BACKUP_S3_BUCKET, BACKUP_S3_PREFIX, NBS_PRUNE_KEEP_* ; credentials from the AWS
# SDK's default chain only (a role with config/aws/iam-prune-policy.json).
# Exit codes: 0 plan printed or prune done, 2 usage (PRUNE_NO_RULES), 4 storage, 130 interrupted.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_cli.sh"
nbs_exec nbs-upload NBS_UPLOAD_BIN upload-cli prune "$@"
