#!/usr/bin/env bash
# Local MinIO, versitygw, Neo4j and toxiproxy for integration tests and demos.
#   services.sh up [--no-mc] [minio] [versitygw] [neo4j] [toxiproxy] [podman]
#                       install if needed and start the named services (default the first four;
#                       podman, the container engine, only when named) side by
#                       side; no-op for those already healthy; write .nbs/services.env (every
#                       service that runs, named or not). --no-mc: MinIO without building the
#                       mc client (dev.sh demo; a later `up` without it builds mc)
#   services.sh down [minio] [versitygw] [neo4j] [toxiproxy] [podman]   stop what `up` started (by .nbs/*.pid); default all
#   services.sh status  one line per service; exit 1 if any is stopped
# NBS_STARTED_FILE=<file>: `up` appends the name of each service it launches (as soon as its
# process exists, so a caller can stop it even when `up` fails or is killed before it is healthy).
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
# shellcheck source=../containers/podman.sh
source "$here/../containers/podman.sh"

ALL_SERVICES=(minio versitygw neo4j toxiproxy)

usage() { echo "usage: services.sh up [--no-mc]|down [minio|versitygw|neo4j|toxiproxy|podman]...|status" >&2; exit 2; }

check_names() {
  local s
  for s in "$@"; do
    case "$s" in minio | versitygw | neo4j | toxiproxy | podman) ;; *) nbs_die "unknown service: $s (minio, versitygw, neo4j, toxiproxy, podman)" ;; esac
  done
}

# The env of every service that runs now: `up minio neo4j` after a full `up` keeps the others.
write_env() {
  local env="$NBS_STATE_DIR/services.env"
  (
    umask 077
    {
      echo "# written by tooling/services/services.sh up; source it"
      nbs_pid_alive "$MINIO_PID" && minio_env
      nbs_pid_alive "$VGW_PID" && versitygw_env
      neo4j_adopt_pid
      nbs_pid_alive "$NEO4J_PID" && neo4j_env
      nbs_pid_alive "$TOXIPROXY_PID" && toxiproxy_env
      nbs_pid_alive "$PODMAN_PID" && podman_env
      true
    } >"$env.tmp.$$"
    mv "$env.tmp.$$" "$env"
  )
  nbs_log "wrote $env"
}

# Start the named services side by side: a cold start overlaps the Go builds with Neo4j's
# Maven download and JVM start. Each runs in its own subshell; `up` fails if any failed.
cmd_up() {
  local s failed=() pids=() names=()
  nbs_require curl "install curl (apt-get install curl)"
  mkdir -p "$NBS_STATE_DIR" "$NBS_LOG_DIR"
  # MinIO's state and certificates first: versitygw serves the same certificate.
  if [[ " $* " == *" minio "* || " $* " == *" versitygw "* ]]; then
    nbs_require openssl "install openssl (apt-get install openssl)"
    minio_ensure_state
    minio_ensure_certs
  fi
  for s in "$@"; do
    "${s}_up" &
    pids+=("$!") names+=("$s")
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || failed+=("${names[$i]}")
  done
  write_env
  [ ${#failed[@]} -eq 0 ] || nbs_die "could not start: ${failed[*]} (messages above)"
}

cmd="${1:-}"
[ $# -eq 0 ] || shift
case "$cmd" in
  up)
    # shellcheck disable=SC2034 # read by minio.sh
    if [ "${1:-}" = --no-mc ]; then MINIO_WITH_MC=false; shift; fi
    services=("$@"); [ ${#services[@]} -gt 0 ] || services=("${ALL_SERVICES[@]}")
    check_names "${services[@]}"
    cmd_up "${services[@]}"
    ;;
  down)
    services=("$@"); [ ${#services[@]} -gt 0 ] || services=(podman toxiproxy neo4j versitygw minio)
    check_names "${services[@]}"
    for s in "${services[@]}"; do "${s}_down"; done
    ;;
  status)
    rc=0
    minio_status || rc=1
    versitygw_status || rc=1
    neo4j_status || rc=1
    toxiproxy_status || rc=1
    podman_status || true # only started when named
    exit "$rc"
    ;;
  *) usage ;;
esac
