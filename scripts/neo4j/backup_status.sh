#!/usr/bin/env bash
# Are the backups fresh, verified and plausible? Per database under a prefix: the newest committed
# backup and its age, the newest verification record and its age, size and counts against the
# previous backup, uncommitted and broken ones. Exit 0 when --max-age (26h), --max-verify-age (8d)
# and --max-shrink (50%) all hold, 7 otherwise (NO_BACKUP, BACKUP_STALE, BACKUP_SHRANK,
# VERIFY_STALE). Read-only. Thin entry point for `nbs-verify status`; see `backup_status.sh --help`.
#   backup_status.sh --prefix prod [--db neo4j,movies] [--json] [--summary-md "$GITHUB_STEP_SUMMARY"]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_cli.sh"
nbs_exec nbs-verify NBS_VERIFY_BIN verify-cli status "$@"
