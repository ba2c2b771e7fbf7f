#!/usr/bin/env bash
# Developer and CI entry point.
#   dev.sh test   install (frozen lockfile), build, typecheck, lint, unit tests, then the
#                 integration tests against local MinIO + Neo4j (started here if not running,
#                 and stopped again on exit only if this run started them)
#   dev.sh demo   services up, seed a small graph, dump it with neo4j-admin; prints the dump path
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bootstrap.sh
source tooling/bootstrap.sh
nbs_bootstrap

services() { bash tooling/services/services.sh "$@"; }
say() { echo "nbs dev: $*" >&2; }

started_file=""
stop_started() {
  local rc=$? names
  if [ -n "$started_file" ] && [ -s "$started_file" ]; then
    names="$(tr '\n' ' ' <"$started_file")"
    say "stopping services this run started: $names"
    # shellcheck disable=SC2086 # a list of service names
    services down $names || true
  fi
  [ -z "$started_file" ] || rm -f "$started_file"
  exit "$rc"
}

cmd_test() {
  pnpm install --frozen-lockfile
  pnpm turbo run build typecheck lint test
  started_file="$(mktemp)"
  trap stop_started EXIT
  NBS_STARTED_FILE="$started_file" services up
  # shellcheck source=/dev/null
  source .nbs/services.env
  pnpm turbo run test:integ --concurrency=1
}

cmd_demo() {
  services up
  # shellcheck source=/dev/null
  source .nbs/services.env
  say "seeding a small graph into $NEO4J_URI"
  node tooling/testenv/bin/seed.js --reset
  local out
  out="$PWD/.nbs/demo/$(date -u +%Y%m%dT%H%M%SZ)"
  mkdir -p "$out"
  # neo4j-admin dump needs the database offline in Community edition.
  services down neo4j
  "$NEO4J_HOME/bin/neo4j-admin" database dump neo4j --to-path="$out" 2>&1 | grep -v '^Files: ' >&2
  services up
  echo "$out/neo4j.dump"
}

case "${1:-}" in
  test) cmd_test ;;
  demo) cmd_demo ;;
  *) echo "usage: tooling/dev.sh test|demo" >&2; exit 2 ;;
esac
