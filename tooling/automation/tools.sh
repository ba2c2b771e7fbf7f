# shellcheck shell=bash
# Pinned tools for checking and running the GitHub workflows here: actionlint and act, built
# with `go install` into the cache (the pin is part of the path), and shellcheck from apt.
# Source it (needs tooling/services/lib.sh for NBS_CACHE_DIR, nbs_log, nbs_die).
ACTIONLINT_PIN="v1.7.12"
ACT_PIN="v0.2.89"
ACTIONLINT_BIN="$NBS_CACHE_DIR/actionlint/$ACTIONLINT_PIN/bin/actionlint"
ACT_BIN="$NBS_CACHE_DIR/act/$ACT_PIN/bin/act"

# go install <module>@<pin> into <bin dir> unless <bin dir>/<name> exists; built in a temp dir
# and moved into place, so an interrupted build never looks finished.
automation_go_install() {
  local module="$1" pin="$2" bin="$3" tmp
  [ -x "$bin" ] && return 0
  command -v go >/dev/null 2>&1 \
    || nbs_die "go not found; install Go >= 1.24 (apt-get install golang-go, or go.dev/dl)"
  nbs_log "building $module@$pin (first time takes a minute or two)"
  tmp="$(dirname "$bin").tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  GOBIN="$tmp" CGO_ENABLED=0 GOFLAGS=-trimpath go install "$module@$pin" >&2 \
    || { rm -rf "$tmp"; nbs_die "go install $module@$pin failed"; }
  rm -rf "$(dirname "$bin")" && mv "$tmp" "$(dirname "$bin")"
}

automation_ensure_shellcheck() {
  command -v shellcheck >/dev/null 2>&1 && return 0
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    nbs_log "installing shellcheck with apt-get"
    { apt-get install -y --no-install-recommends shellcheck >&2 \
      || { apt-get update >&2 && apt-get install -y --no-install-recommends shellcheck >&2; }; } \
      || nbs_die "apt-get install shellcheck failed"
  fi
  # actionlint skips every shell check silently without it: never go on without it.
  command -v shellcheck >/dev/null 2>&1 \
    || nbs_die "shellcheck not found; install it (apt-get install shellcheck): actionlint needs it to check run: scripts"
}

automation_tools() {
  automation_ensure_shellcheck
  automation_go_install github.com/rhysd/actionlint/cmd/actionlint "$ACTIONLINT_PIN" "$ACTIONLINT_BIN"
  automation_go_install github.com/nektos/act "$ACT_PIN" "$ACT_BIN"
}
