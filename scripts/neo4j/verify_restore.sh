#!/usr/bin/env bash
# Prove a backup restores: download (hashing while streaming), compare with its sidecar, and
# optionally check or load it into a throwaway Neo4j. Thin entry point for `nbs-verify`.
#   verify_restore.sh --latest --prefix prod --db neo4j --mode load --summary-md "$GITHUB_STEP_SUMMARY"
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_cli.sh"
nbs_exec nbs-verify NBS_VERIFY_BIN verify-cli "$@"
