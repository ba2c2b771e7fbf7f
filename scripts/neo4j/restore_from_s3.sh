#!/usr/bin/env bash
# Restore a backup onto this machine's Neo4j the way Community requires: download and verify it
# (sha256 and size vs its sidecar, dump format) — a bad one is never loaded — then stop Neo4j,
# `neo4j-admin database load --overwrite-destination`, start it again (always, even when the
# load fails), and compare counts with the sidecar. Refuses a database that holds data without
# --force. Thin entry point for `nbs-verify restore`; see `restore_from_s3.sh --help`.
#   restore_from_s3.sh --latest --prefix prod --db neo4j --neo4j-home /opt/neo4j [--force] [--dry-run]
# Needs NEO4J_URI and NEO4J_PASSWORD (never a flag). Exit codes: see --help.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_cli.sh"
nbs_exec nbs-verify NBS_VERIFY_BIN verify-cli restore "$@"
