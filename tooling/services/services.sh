#!/usr/bin/env bash
# Local MinIO, versitygw, Neo4j and toxiproxy for integration tests and demos.
#   services.sh up      install if needed, start all four (no-op when healthy), write .nbs/services.env
#   services.sh down [minio] [versitygw] [neo4j] [toxiproxy]   stop what `up` started (by .nbs/*.pid); default all
#   services.sh status  one line per service; exit 1 if any is stopped
# NBS_STARTED_FILE=<file>: `up` appends the names of services it actually started.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"
# shellcheck source=minio.sh
source "$here/minio.sh"
# shellcheck source=versitygw.sh
source "$here/versitygw.sh"
# shellcheck source=neo4j.sh
source "$here/neo4j.sh"
# shellcheck source=toxiproxy.sh
source "$here/toxiproxy.sh"

write_env() {
  local env="$NBS_STATE_DIR/services.env"
  (
    umask 077
    { echo "# written by tooling/services/services.sh up; source it"; minio_env; versitygw_env; neo4j_env; toxiproxy_env; } >"$env.tmp"
    mv "$env.tmp" "$env"
  )
  nbs_log "wrote $env"
}

cmd="${1:-}"
case "$cmd" in
  up)
    nbs_require curl "install curl (apt-get install curl)"
    mkdir -p "$NBS_STATE_DIR" "$NBS_LOG_DIR"
    minio_up
    versitygw_up
    neo4j_up
    toxiproxy_up
    write_env
    ;;
  down)
    shift
    services=("$@"); [ ${#services[@]} -gt 0 ] || services=(toxiproxy neo4j versitygw minio)
    for s in "${services[@]}"; do
      case "$s" in minio | versitygw | neo4j | toxiproxy) "${s}_down" ;; *) nbs_die "unknown service: $s" ;; esac
    done
    ;;
  status)
    rc=0
    minio_status || rc=1
    versitygw_status || rc=1
    neo4j_status || rc=1
    toxiproxy_status || rc=1
    exit "$rc"
    ;;
  *) echo "usage: services.sh up|down [minio|versitygw|neo4j|toxiproxy]...|status" >&2; exit 2 ;;
esac
