#!/usr/bin/env bash
# Take a Neo4j dump the way Community requires: statistics while online, stop, dump, start
# again (always, even when the dump fails). Writes <out-dir>/<db>-<yyyymmddThhmmssZ>.dump and
# its local .meta.json. Thin entry point for `nbs-upload dump`; see `backup.sh --help`.
#   backup.sh --db neo4j --out-dir /var/backups/neo4j [--neo4j-home DIR] [--dry-run] [--verbose]
# Or, for a database larger than the local disk, no local file at all: the dump is streamed
# (neo4j-admin --to-stdout) into the bucket and committed there with its sidecar:
#   backup.sh --db neo4j --to-s3 --bucket B --prefix P [--neo4j-home DIR] [--part-size 64MiB]
# Statistics need NEO4J_URI and NEO4J_PASSWORD (never a flag). Exit codes: see --help.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_cli.sh"
nbs_exec nbs-upload NBS_UPLOAD_BIN upload-cli dump "$@"
