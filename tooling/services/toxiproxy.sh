# shellcheck shell=bash
# toxiproxy: a TCP proxy whose faults (resets, latency, bandwidth, stalls) tests switch on
# through its HTTP API. Built at a pinned version into the cache like MinIO; `go install`
# names the binaries `server` and `cli`. It only listens on 127.0.0.1: the API here, the
# proxies on ports the tests pick. TLS passes through it untouched (it works on TCP).
# Sourced by services.sh (needs lib.sh and minio.sh: minio_go_install).
TOXIPROXY_PIN="v2.5.0"
TOXIPROXY_BIN_DIR="$NBS_CACHE_DIR/toxiproxy/$TOXIPROXY_PIN/bin"
TOXIPROXY_STATE="$NBS_STATE_DIR/toxiproxy.state"
TOXIPROXY_PID="$NBS_STATE_DIR/toxiproxy.pid"

toxiproxy_install() {
  minio_go_install github.com/Shopify/toxiproxy/v2/cmd/server "$TOXIPROXY_PIN" "$TOXIPROXY_BIN_DIR"
  # The same bin dir: minio_go_install skips when `server` is there, so add `cli` by hand.
  [ -x "$TOXIPROXY_BIN_DIR/cli" ] && return 0
  GOBIN="$TOXIPROXY_BIN_DIR" CGO_ENABLED=0 GOFLAGS=-trimpath \
    go install "github.com/Shopify/toxiproxy/v2/cmd/cli@$TOXIPROXY_PIN" >&2 \
    || nbs_die "go install toxiproxy cli@$TOXIPROXY_PIN failed"
}

toxiproxy_port() { nbs_state_get "$TOXIPROXY_STATE" PORT; }

toxiproxy_healthy() {
  local port; port="$(toxiproxy_port)" || return 1
  curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/version"
}

toxiproxy_up() {
  if nbs_pid_alive "$TOXIPROXY_PID" && toxiproxy_healthy 2>/dev/null; then
    nbs_log "toxiproxy already running (pid $(cat "$TOXIPROXY_PID"), api port $(toxiproxy_port))"
    return 0
  fi
  nbs_stop_pid "$TOXIPROXY_PID" 10
  toxiproxy_install
  local port i
  port="$(nbs_reuse_or_free_port "$(toxiproxy_port 2>/dev/null || true)")"
  (umask 077; echo "PORT=$port" >"$TOXIPROXY_STATE")
  nbs_log "starting toxiproxy api on http://127.0.0.1:$port, log $NBS_LOG_DIR/toxiproxy.log"
  setsid "$TOXIPROXY_BIN_DIR/server" -host 127.0.0.1 -port "$port" \
    >>"$NBS_LOG_DIR/toxiproxy.log" 2>&1 </dev/null &
  echo $! >"$TOXIPROXY_PID"
  nbs_record_started toxiproxy
  for ((i = 0; i < 100; i++)); do
    toxiproxy_healthy 2>/dev/null && { nbs_log "toxiproxy healthy"; break; }
    nbs_pid_alive "$TOXIPROXY_PID" || break
    sleep 0.1
  done
  toxiproxy_healthy 2>/dev/null || {
    tail -n 20 "$NBS_LOG_DIR/toxiproxy.log" >&2
    nbs_die "toxiproxy did not answer within 10s; see $NBS_LOG_DIR/toxiproxy.log"
  }
}

toxiproxy_down() {
  if nbs_pid_alive "$TOXIPROXY_PID"; then
    nbs_log "stopping toxiproxy (pid $(cat "$TOXIPROXY_PID"))"
    nbs_stop_pid "$TOXIPROXY_PID" 10
  else
    rm -f "$TOXIPROXY_PID"
  fi
}

toxiproxy_status() {
  if nbs_pid_alive "$TOXIPROXY_PID"; then
    local health=unhealthy
    toxiproxy_healthy 2>/dev/null && health=healthy
    echo "toxiproxy: running ($health) pid $(cat "$TOXIPROXY_PID") api http://127.0.0.1:$(toxiproxy_port)"
  else
    echo "toxiproxy: stopped"; return 1
  fi
}

toxiproxy_env() {
  echo "export NBS_TOXIPROXY_API='http://127.0.0.1:$(toxiproxy_port)'"
}
