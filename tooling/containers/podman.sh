# shellcheck shell=bash
# A container engine for the containers leg: podman (Debian's package) serving the
# Docker-compatible API on a unix socket under .nbs/, for Testcontainers and docker-compose
# (DOCKER_HOST in .nbs/services.env). Sourced by tooling/services/services.sh (needs lib.sh) as
# the service `podman`, which `services up` starts only when named.
# Settings that make podman run on this kind of machine: tooling/containers/containers.conf.
PODMAN_CONF="$NBS_REPO_ROOT/tooling/containers/containers.conf"
PODMAN_SOCK="$NBS_STATE_DIR/podman.sock"
PODMAN_PID="$NBS_STATE_DIR/podman.pid"
export CONTAINERS_CONF="$PODMAN_CONF"

# The Debian packages: podman and runc (crun fails here), docker-compose for config/docker.yaml,
# mmdebstrap for the images' base root filesystems. Installed when missing (CI starts fresh).
PODMAN_PACKAGES=(podman runc docker-compose mmdebstrap)

podman_apt() {
  { apt-get install -y "$@" || { apt-get update && apt-get install -y "$@"; }; } </dev/null >&2
}

podman_install() {
  local missing=() p
  for p in "${PODMAN_PACKAGES[@]}"; do command -v "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; } \
    || nbs_die "containers: cannot run containers here: ${missing[*]} missing and no apt-get as root (install ${PODMAN_PACKAGES[*]})"
  nbs_log "installing ${PODMAN_PACKAGES[*]} (apt-get)"
  # docker-compose without its recommended docker.io: no second engine, podman serves its API
  { podman_apt podman runc mmdebstrap && podman_apt --no-install-recommends docker-compose; } \
    || nbs_die "containers: cannot run containers here: apt-get install ${PODMAN_PACKAGES[*]} failed"
}

# podman answers (storage, runtime, cgroups read); whether a container really starts is
# proven by the first image build (images.sh), with the same one-line message.
podman_probe() {
  local out
  out="$(podman info --format '{{.Host.OCIRuntime.Name}}' 2>&1)" \
    || nbs_die "containers: cannot run containers here: $(tail -n 1 <<<"$out")"
}

podman_healthy() {
  [ -S "$PODMAN_SOCK" ] && curl -fsS -o /dev/null --max-time 3 --unix-socket "$PODMAN_SOCK" http://d/_ping
}

podman_up() {
  if nbs_pid_alive "$PODMAN_PID" && podman_healthy; then
    nbs_log "podman already serving $PODMAN_SOCK (pid $(cat "$PODMAN_PID"))"
    return 0
  fi
  podman_install
  podman_probe
  rm -f "$PODMAN_SOCK"
  podman system service --time=0 "unix://$PODMAN_SOCK" >"$NBS_LOG_DIR/podman.log" 2>&1 &
  echo "$!" >"$PODMAN_PID"
  nbs_record_started podman
  local i
  for ((i = 0; i < 100; i++)); do podman_healthy && break; sleep 0.1; done
  podman_healthy || { tail -n 5 "$NBS_LOG_DIR/podman.log" >&2; nbs_die "podman system service did not answer on $PODMAN_SOCK"; }
  nbs_log "podman $(podman --version | cut -d' ' -f3) serving $PODMAN_SOCK"
}

podman_down() {
  if nbs_pid_alive "$PODMAN_PID"; then nbs_log "stopping podman system service"; fi
  nbs_stop_pid "$PODMAN_PID" 10
  rm -f "$PODMAN_SOCK"
}

podman_status() {
  if nbs_pid_alive "$PODMAN_PID" && podman_healthy; then
    echo "podman: running pid $(cat "$PODMAN_PID") unix://$PODMAN_SOCK"
  else
    echo "podman: stopped"; return 1
  fi
}

# Testcontainers: no Ryuk (its image is not here; the leg removes its containers itself) and
# the mapped ports reached on 127.0.0.1, not on the bridge's gateway.
podman_env() {
  cat <<ENV
export DOCKER_HOST='unix://$PODMAN_SOCK'
export CONTAINERS_CONF='$PODMAN_CONF'
export TESTCONTAINERS_RYUK_DISABLED='true'
export TESTCONTAINERS_HOST_OVERRIDE='127.0.0.1'
ENV
}
