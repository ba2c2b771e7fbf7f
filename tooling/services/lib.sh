# shellcheck shell=bash
# Shared helpers for tooling/services/*.sh. Source it; it defines functions and paths only.
NBS_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NBS_CACHE_DIR="${NBS_CACHE_DIR:-$HOME/.cache/nbs}"
NBS_STATE_DIR="$NBS_REPO_ROOT/.nbs"
NBS_LOG_DIR="$NBS_STATE_DIR/logs"
export NBS_CACHE_DIR

nbs_log() { echo "nbs services: $*" >&2; }
nbs_die() { echo "nbs services: $*" >&2; exit 1; }

nbs_require() { # nbs_require <command> <install hint>
  command -v "$1" >/dev/null 2>&1 || nbs_die "$1 not found; $2"
}

# A free TCP port on 127.0.0.1: bind port 0 and report what the kernel picked.
nbs_free_port() {
  if command -v node >/dev/null 2>&1; then
    node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
  else
    python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'
  fi
}

# Keep the port from the last run ($1) when it is still free, so addresses survive restarts.
nbs_reuse_or_free_port() {
  if [ -n "${1:-}" ] && ! nbs_port_open "$1"; then echo "$1"; else nbs_free_port; fi
}

nbs_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

nbs_random_secret() { # URL- and shell-safe, $1 chars (at most ~100)
  local s
  s="$(head -c 96 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9')"
  echo "${s:0:${1:-24}}"
}

nbs_pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Stop the process recorded in pid file $1: SIGTERM, wait up to $2 seconds, then SIGKILL.
nbs_stop_pid() {
  local pidfile="$1" wait_s="${2:-30}" pid i
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < wait_s * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      nbs_log "pid $pid did not stop after ${wait_s}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

# Read KEY=VALUE state files written by the services (no sourcing of arbitrary code).
nbs_state_get() { # nbs_state_get <file> <key>
  [ -f "$1" ] || return 1
  sed -n "s/^$2=//p" "$1" | tail -n 1
}

# Record in $NBS_STARTED_FILE (when set) that this run launched service $1: right after its
# process exists, so the caller stops it even when it never becomes healthy.
nbs_record_started() {
  [ -z "${NBS_STARTED_FILE:-}" ] || echo "$1" >>"$NBS_STARTED_FILE"
}
