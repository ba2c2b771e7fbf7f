#!/usr/bin/env bash
# Restore a set (every database of one backup window, taken by backup.sh --all-databases or with
# several --db) onto a Neo4j: every member proven against the set's manifest before the stop,
# one stop, a safety copy of each database, system loaded first, then the others, start.
# Thin entry point for `nbs-verify restore-set`; see `restore_set.sh --help`.
#   restore_set.sh --set latest --bucket B --prefix prod --neo4j-home /opt/neo4j --force
#   restore_set.sh --set-file /var/backups/neo4j/sets/<id>.json --neo4j-home /opt/neo4j --force
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_cli.sh"
nbs_exec nbs-verify NBS_VERIFY_BIN verify-cli restore-set "$@"
