# shellcheck shell=bash
# MinIO + mc: build at pinned commits into the cache, run one local server under .nbs/minio.
# Sourced by services.sh (needs lib.sh).
MINIO_PIN="v0.0.0-20260212201848-7aac2a2c5b7c"
MC_PIN="v0.0.0-20250313080218-cf909e1063a9"
MINIO_BIN="$NBS_CACHE_DIR/minio/$MINIO_PIN/bin/minio"
MC_BIN="$NBS_CACHE_DIR/mc/$MC_PIN/bin/mc"
MINIO_DIR="$NBS_STATE_DIR/minio"
MINIO_STATE="$MINIO_DIR/state"
MINIO_PID="$NBS_STATE_DIR/minio.pid"
MC_CONFIG_DIR="$NBS_STATE_DIR/mc"

# go install <module>@<pin> into <bin dir>; the pin is part of the path, so a new pin rebuilds.
minio_go_install() {
  local module="$1" pin="$2" bindir="$3" tmp
  [ -x "$bindir/$(basename "$module")" ] && return 0
  command -v go >/dev/null 2>&1 \
    || nbs_die "go not found; install Go >= 1.24 (apt-get install golang-go, or go.dev/dl)"
  nbs_log "building $module@$pin (first time takes minutes)"
  tmp="$bindir.tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  GOBIN="$tmp" CGO_ENABLED=0 GOFLAGS=-trimpath go install "$module@$pin" >&2 \
    || { rm -rf "$tmp"; nbs_die "go install $module@$pin failed"; }
  rm -rf "$bindir" && mv "$tmp" "$bindir"
}

minio_install() {
  minio_go_install github.com/minio/minio "$MINIO_PIN" "$(dirname "$MINIO_BIN")"
  minio_go_install github.com/minio/mc "$MC_PIN" "$(dirname "$MC_BIN")"
}

minio_port() { nbs_state_get "$MINIO_STATE" "$1"; }

minio_healthy() {
  local port; port="$(minio_port PORT)" || return 1
  curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/minio/health/live"
}

# Credentials and the KMS key persist with the data dir: objects encrypted earlier stay readable.
minio_ensure_state() {
  mkdir -p "$MINIO_DIR/data" "$NBS_LOG_DIR"
  [ -f "$MINIO_STATE" ] && return 0
  (
    umask 077
    {
      echo "ROOT_USER=nbs-$(nbs_random_secret 8)"
      echo "ROOT_PASSWORD=$(nbs_random_secret 32)"
      echo "KMS_SECRET_KEY=nbs-test-key:$(head -c 32 /dev/urandom | base64)"
    } >"$MINIO_STATE"
  )
}

minio_set_ports() { # rewrite PORT/CONSOLE_PORT in the state file
  local port="$1" console="$2" rest
  rest="$(grep -vE '^(PORT|CONSOLE_PORT)=' "$MINIO_STATE")"
  (umask 077; printf '%s\nPORT=%s\nCONSOLE_PORT=%s\n' "$rest" "$port" "$console" >"$MINIO_STATE")
}

# Poll until healthy (0) or $1 seconds pass / the process dies (1).
minio_wait_healthy() {
  local i
  for ((i = 0; i < $1 * 10; i++)); do
    minio_healthy 2>/dev/null && return 0
    nbs_pid_alive "$MINIO_PID" || return 1
    sleep 0.1
  done
  minio_healthy 2>/dev/null
}

minio_up() {
  if nbs_pid_alive "$MINIO_PID"; then
    if minio_wait_healthy 10; then
      nbs_log "minio already running (pid $(cat "$MINIO_PID"), port $(minio_port PORT))"
      return 0
    fi
    nbs_log "minio pid $(cat "$MINIO_PID") is not answering; restarting it"
    nbs_stop_pid "$MINIO_PID" 10
  fi
  minio_install
  minio_ensure_state
  local port console
  port="$(nbs_reuse_or_free_port "$(minio_port PORT)")"
  console="$(nbs_reuse_or_free_port "$(minio_port CONSOLE_PORT)")"
  while [ "$console" = "$port" ]; do console="$(nbs_free_port)"; done
  minio_set_ports "$port" "$console"
  nbs_log "starting minio on 127.0.0.1:$port (console :$console), log $NBS_LOG_DIR/minio.log"
  MINIO_ROOT_USER="$(minio_port ROOT_USER)" MINIO_ROOT_PASSWORD="$(minio_port ROOT_PASSWORD)" \
    MINIO_KMS_SECRET_KEY="$(minio_port KMS_SECRET_KEY)" MINIO_UPDATE=off \
    MINIO_BROWSER_REDIRECT=off \
    setsid "$MINIO_BIN" server --quiet --address "127.0.0.1:$port" \
    --console-address "127.0.0.1:$console" "$MINIO_DIR/data" \
    >>"$NBS_LOG_DIR/minio.log" 2>&1 </dev/null &
  echo $! >"$MINIO_PID"
  if ! minio_wait_healthy 30; then
    tail -n 20 "$NBS_LOG_DIR/minio.log" >&2
    nbs_die "minio did not become healthy within 30s; see $NBS_LOG_DIR/minio.log"
  fi
  MC_CONFIG_DIR="$MC_CONFIG_DIR" "$MC_BIN" alias set nbs "http://127.0.0.1:$port" \
    "$(minio_port ROOT_USER)" "$(minio_port ROOT_PASSWORD)" >/dev/null \
    || nbs_die "mc alias set failed"
  nbs_log "minio healthy"
  [ -z "${NBS_STARTED_FILE:-}" ] || echo minio >>"$NBS_STARTED_FILE"
}

minio_down() {
  if nbs_pid_alive "$MINIO_PID"; then
    nbs_log "stopping minio (pid $(cat "$MINIO_PID"))"
    nbs_stop_pid "$MINIO_PID" 20
  else
    rm -f "$MINIO_PID"
  fi
}

minio_status() {
  if nbs_pid_alive "$MINIO_PID"; then
    local health=unhealthy; minio_healthy && health=healthy
    echo "minio: running ($health) pid $(cat "$MINIO_PID") s3 http://127.0.0.1:$(minio_port PORT) console http://127.0.0.1:$(minio_port CONSOLE_PORT)"
  else
    echo "minio: stopped"; return 1
  fi
}

minio_env() {
  cat <<ENV
export BACKUP_S3_ENDPOINT='http://127.0.0.1:$(minio_port PORT)'
export AWS_ACCESS_KEY_ID='$(minio_port ROOT_USER)'
export AWS_SECRET_ACCESS_KEY='$(minio_port ROOT_PASSWORD)'
export AWS_REGION='us-east-1'
export NBS_KMS_KEY_ID='nbs-test-key'
export NBS_MC='$MC_BIN'
export MC_CONFIG_DIR='$MC_CONFIG_DIR'
ENV
}
