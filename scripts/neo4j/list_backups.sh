#!/usr/bin/env bash
# What is in the bucket: committed backups under a prefix, newest first (db, key, dump time, size,
# sha256, Neo4j version, counts); broken ones marked, never dropped; --all adds uncommitted dumps.
# A table on a terminal, JSON ({ backups: [...] }) otherwise. Thin entry point for
# `nbs-verify list`; see `list_backups.sh --help` (options and exit codes).
#   list_backups.sh --prefix prod [--db neo4j] [--all] [--json]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_cli.sh"
nbs_exec nbs-verify NBS_VERIFY_BIN verify-cli list "$@"
