# shellcheck shell=bash
# One local Neo4j for the services: a runtime home under .nbs/neo4j/home whose bin/ and lib/
# are symlinks into the cached install and whose conf/, data/, run/ are its own.
# Sourced by services.sh (needs lib.sh).
NEO4J_VERSION="${NEO4J_VERSION:-5.26.30}"
NEO4J_DIR="$NBS_STATE_DIR/neo4j"
NEO4J_RT_HOME="$NEO4J_DIR/home"
NEO4J_STATE="$NEO4J_DIR/state"
NEO4J_PID="$NBS_STATE_DIR/neo4j.pid"

# The bootloader's pid file in the home is the truth: scripts that stop/dump/start via
# $NEO4J_HOME/bin/neo4j (as an operator's backup would) restart the service behind our back.
neo4j_adopt_pid() {
  local run="$NEO4J_RT_HOME/run/neo4j.pid"
  if nbs_pid_alive "$run"; then cp "$run" "$NEO4J_PID"; fi
}

neo4j_get() { nbs_state_get "$NEO4J_STATE" "$1"; }

neo4j_healthy() {
  local bolt http pw
  bolt="$(neo4j_get BOLT_PORT)" && http="$(neo4j_get HTTP_PORT)" && pw="$(neo4j_get PASSWORD)" || return 1
  nbs_port_open "$bolt" || return 1
  # The password goes through a curl config on stdin, not argv (visible in ps).
  printf 'user = "neo4j:%s"\n' "$pw" | curl -fsS -o /dev/null --max-time 5 -K - \
    -H 'content-type: application/json' -d '{"statements":[{"statement":"RETURN 1"}]}' \
    "http://127.0.0.1:$http/db/neo4j/tx/commit"
}

# (Re)create the runtime home when missing or made for another version; data does not survive
# a version change (store formats differ), which is fine for a test service.
neo4j_ensure_home() {
  local install bolt http
  install="$(bash "$NBS_REPO_ROOT/tooling/services/neo4j-install.sh" "$NEO4J_VERSION")"
  if [ -f "$NEO4J_STATE" ] && [ "$(neo4j_get VERSION)" != "$NEO4J_VERSION" ]; then
    nbs_log "neo4j home was made for $(neo4j_get VERSION); recreating it for $NEO4J_VERSION"
    rm -rf "$NEO4J_DIR"
  fi
  mkdir -p "$NEO4J_RT_HOME/conf" "$NBS_LOG_DIR/neo4j"
  ln -sfn "$install/bin" "$NEO4J_RT_HOME/bin"
  ln -sfn "$install/lib" "$NEO4J_RT_HOME/lib"
  if [ ! -f "$NEO4J_STATE" ]; then
    (umask 077; printf 'VERSION=%s\nPASSWORD=%s\n' "$NEO4J_VERSION" "$(nbs_random_secret 24)" >"$NEO4J_STATE")
  fi
  bolt="$(nbs_reuse_or_free_port "$(neo4j_get BOLT_PORT)")"
  http="$(nbs_reuse_or_free_port "$(neo4j_get HTTP_PORT)")"
  while [ "$http" = "$bolt" ]; do http="$(nbs_free_port)"; done
  neo4j_write_conf "$install/conf/neo4j.conf" "$bolt" "$http"
  if [ ! -d "$NEO4J_RT_HOME/data/dbms" ]; then
    nbs_log "setting the initial neo4j password"
    neo4j_cmd neo4j-admin dbms set-initial-password "$(neo4j_get PASSWORD)" >/dev/null
  fi
}

neo4j_write_conf() { # <template> <bolt port> <http port>
  local rest
  sed -E -e "s/:7687$/:$2/" -e "s/:7474$/:$3/" "$1" >"$NEO4J_RT_HOME/conf/neo4j.conf"
  echo "server.directories.logs=$NBS_LOG_DIR/neo4j" >>"$NEO4J_RT_HOME/conf/neo4j.conf"
  rest="$(grep -vE '^(BOLT_PORT|HTTP_PORT)=' "$NEO4J_STATE")"
  (umask 077; printf '%s\nBOLT_PORT=%s\nHTTP_PORT=%s\n' "$rest" "$2" "$3" >"$NEO4J_STATE")
}

neo4j_cmd() { NEO4J_HOME="$NEO4J_RT_HOME" NEO4J_CONF="$NEO4J_RT_HOME/conf" "$NEO4J_RT_HOME/bin/$1" "${@:2}"; }

# Poll until healthy (0) or $1 seconds pass / the process dies (1).
neo4j_wait_healthy() {
  local i
  for ((i = 0; i < $1 * 2; i++)); do
    neo4j_healthy 2>/dev/null && return 0
    nbs_pid_alive "$NEO4J_PID" || return 1
    sleep 0.5
  done
  neo4j_healthy 2>/dev/null
}

neo4j_up() {
  neo4j_adopt_pid
  if nbs_pid_alive "$NEO4J_PID"; then
    if neo4j_wait_healthy 60; then
      nbs_log "neo4j already running (pid $(cat "$NEO4J_PID"), bolt $(neo4j_get BOLT_PORT))"
      return 0
    fi
    nbs_log "neo4j pid $(cat "$NEO4J_PID") is not answering; restarting it"
    nbs_stop_pid "$NEO4J_PID" 60
  fi
  neo4j_ensure_home
  nbs_log "starting neo4j $NEO4J_VERSION (bolt :$(neo4j_get BOLT_PORT), http :$(neo4j_get HTTP_PORT)), logs $NBS_LOG_DIR/neo4j"
  neo4j_cmd neo4j start >/dev/null 2>"$NBS_LOG_DIR/neo4j/start.err" \
    || { cat "$NBS_LOG_DIR/neo4j/start.err" >&2; nbs_die "neo4j start failed"; }
  cp "$NEO4J_RT_HOME/run/neo4j.pid" "$NEO4J_PID"
  nbs_record_started neo4j
  if ! neo4j_wait_healthy 120; then
    tail -n 30 "$NBS_LOG_DIR/neo4j/neo4j.log" >&2
    nbs_die "neo4j did not become healthy within 120s; see $NBS_LOG_DIR/neo4j"
  fi
  nbs_log "neo4j healthy"
}

neo4j_down() {
  neo4j_adopt_pid
  if nbs_pid_alive "$NEO4J_PID"; then
    nbs_log "stopping neo4j (pid $(cat "$NEO4J_PID"))"
    nbs_stop_pid "$NEO4J_PID" 60
    rm -f "$NEO4J_RT_HOME/run/neo4j.pid"
  else
    rm -f "$NEO4J_PID"
  fi
}

neo4j_status() {
  neo4j_adopt_pid
  if nbs_pid_alive "$NEO4J_PID"; then
    local health=unhealthy; neo4j_healthy 2>/dev/null && health=healthy
    echo "neo4j: running ($health) pid $(cat "$NEO4J_PID") version $(neo4j_get VERSION) bolt://127.0.0.1:$(neo4j_get BOLT_PORT) http://127.0.0.1:$(neo4j_get HTTP_PORT)"
  else
    echo "neo4j: stopped"; return 1
  fi
}

neo4j_env() {
  cat <<ENV
export NEO4J_HOME='$NEO4J_RT_HOME'
export NEO4J_URI='bolt://127.0.0.1:$(neo4j_get BOLT_PORT)'
export NEO4J_HTTP_URL='http://127.0.0.1:$(neo4j_get HTTP_PORT)'
export NEO4J_USERNAME='neo4j'
export NEO4J_PASSWORD='$(neo4j_get PASSWORD)'
export NEO4J_VERSION='$(neo4j_get VERSION)'
ENV
}
