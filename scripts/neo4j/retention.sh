#!/usr/bin/env bash
# Print (default) or apply the lifecycle rule that expires backups under a prefix after N days.
# This sets the store's LIFECYCLE rule (age only: it expires verified and unverified backups
# alike). Keep rules that never remove the newest verified backup: prune_backups.sh. Using both,
# make the lifecycle days longer than prune keeps: the lifecycle is then only a backstop.
# Thin entry point for `nbs-upload retention`: every argument is passed through; see `--help`.
#   retention.sh --days 30 --prefix staging                     # prints the rule, changes nothing
#   retention.sh --days 30 --prefix staging --bucket b --apply  # merges it, keeping other rules
# Configuration: BACKUP_RETENTION_DAYS, BACKUP_S3_PREFIX, BACKUP_S3_BUCKET, BACKUP_S3_ENDPOINT;
# credentials from the AWS SDK's default chain only. Expiry is done by the store: nothing is
# deleted by this script. Exit codes: 0 ok, 2 usage, 4 storage (e.g. lifecycle changes not
# permitted); the full table is at the end of --help.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_cli.sh"
nbs_exec nbs-upload NBS_UPLOAD_BIN upload-cli retention "$@"
