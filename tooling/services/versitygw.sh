# shellcheck shell=bash
# versitygw: a second, independent S3 implementation (posix backend on a directory), built at
# a pinned version into the cache like MinIO. It serves https with a certificate from the same
# private CA as MinIO, so AWS_CA_BUNDLE works for both.
# Sourced by services.sh (needs lib.sh and minio.sh: minio_go_install, minio_ensure_certs).
VERSITYGW_PIN="v1.8.0"
VERSITYGW_BIN="$NBS_CACHE_DIR/versitygw/$VERSITYGW_PIN/bin/versitygw"
VGW_DIR="$NBS_STATE_DIR/versitygw"
VGW_STATE="$VGW_DIR/state"
VGW_PID="$NBS_STATE_DIR/versitygw.pid"
VGW_HEALTH_PATH="/nbs-health"

versitygw_install() {
  minio_go_install github.com/versity/versitygw/cmd/versitygw "$VERSITYGW_PIN" \
    "$(dirname "$VERSITYGW_BIN")"
}

versitygw_get() { nbs_state_get "$VGW_STATE" "$1"; }

versitygw_healthy() {
  local port; port="$(versitygw_get PORT)" || return 1
  [ -f "$MINIO_CA_CRT" ] || return 1
  curl -fsS -o /dev/null --max-time 2 --cacert "$MINIO_CA_CRT" \
    "https://127.0.0.1:$port$VGW_HEALTH_PATH"
}

# Root credentials persist with the data dir (posix backend: one directory per bucket).
versitygw_ensure_state() {
  mkdir -p "$VGW_DIR/data" "$NBS_LOG_DIR"
  [ -f "$VGW_STATE" ] && return 0
  (
    umask 077
    {
      echo "ACCESS_KEY=nbs-$(nbs_random_secret 8)"
      echo "SECRET_KEY=$(nbs_random_secret 32)"
    } >"$VGW_STATE"
  )
}

versitygw_set_port() {
  local rest
  rest="$(grep -vE '^PORT=' "$VGW_STATE")"
  (umask 077; printf '%s\nPORT=%s\n' "$rest" "$1" >"$VGW_STATE")
}

versitygw_wait_healthy() {
  local i
  for ((i = 0; i < $1 * 10; i++)); do
    versitygw_healthy 2>/dev/null && return 0
    nbs_pid_alive "$VGW_PID" || return 1
    sleep 0.1
  done
  versitygw_healthy 2>/dev/null
}

versitygw_up() {
  nbs_require openssl "install openssl (apt-get install openssl)"
  versitygw_ensure_state
  mkdir -p "$MINIO_DIR"
  minio_ensure_certs
  if nbs_pid_alive "$VGW_PID"; then
    if versitygw_wait_healthy 10; then
      nbs_log "versitygw already running (pid $(cat "$VGW_PID"), https port $(versitygw_get PORT))"
      return 0
    fi
    nbs_log "versitygw pid $(cat "$VGW_PID") is not answering over https with the local CA; restarting it"
    nbs_stop_pid "$VGW_PID" 20
  fi
  versitygw_install
  local port
  port="$(nbs_reuse_or_free_port "$(versitygw_get PORT)")"
  versitygw_set_port "$port"
  nbs_log "starting versitygw on https://127.0.0.1:$port (posix $VGW_DIR/data), log $NBS_LOG_DIR/versitygw.log"
  # Credentials through the environment, not argv (other users can read argv in ps).
  ROOT_ACCESS_KEY="$(versitygw_get ACCESS_KEY)" ROOT_SECRET_KEY="$(versitygw_get SECRET_KEY)" \
    setsid "$VERSITYGW_BIN" --port "127.0.0.1:$port" --region us-east-1 --quiet \
    --cert "$MINIO_CERTS_DIR/public.crt" --key "$MINIO_CERTS_DIR/private.key" \
    --health "$VGW_HEALTH_PATH" posix "$VGW_DIR/data" \
    >>"$NBS_LOG_DIR/versitygw.log" 2>&1 </dev/null &
  echo $! >"$VGW_PID"
  nbs_record_started versitygw
  if ! versitygw_wait_healthy 30; then
    tail -n 20 "$NBS_LOG_DIR/versitygw.log" >&2
    nbs_die "versitygw did not become healthy within 30s; see $NBS_LOG_DIR/versitygw.log"
  fi
  nbs_log "versitygw healthy"
}

versitygw_down() {
  if nbs_pid_alive "$VGW_PID"; then
    nbs_log "stopping versitygw (pid $(cat "$VGW_PID"))"
    nbs_stop_pid "$VGW_PID" 20
  else
    rm -f "$VGW_PID"
  fi
}

versitygw_status() {
  if nbs_pid_alive "$VGW_PID"; then
    local health=unhealthy
    versitygw_healthy && health=healthy
    echo "versitygw: running ($health) pid $(cat "$VGW_PID") s3 https://127.0.0.1:$(versitygw_get PORT) ca $MINIO_CA_CRT"
  else
    echo "versitygw: stopped"; return 1
  fi
}

# Its own names: the AWS_* variables stay MinIO's. Same CA as MinIO (AWS_CA_BUNDLE).
versitygw_env() {
  cat <<ENV
export NBS_VGW_ENDPOINT='https://127.0.0.1:$(versitygw_get PORT)'
export NBS_VGW_ACCESS_KEY='$(versitygw_get ACCESS_KEY)'
export NBS_VGW_SECRET_KEY='$(versitygw_get SECRET_KEY)'
ENV
}
