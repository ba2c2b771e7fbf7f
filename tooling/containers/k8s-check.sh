#!/usr/bin/env bash
# Build (once per source hash, into the cache) and run tooling/containers/k8s-check: strict
# decoding of manifests into the k8s.io/api Go types (from the Go module proxy).
#   k8s-check.sh <file.yaml>...
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../services/lib.sh
source "$here/../services/lib.sh"
src="$here/k8s-check"
hash="$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-16)"
bin="$NBS_CACHE_DIR/k8s-check/$hash/k8s-check"
if [ ! -x "$bin" ]; then
  nbs_require go "install Go >= 1.24 (apt-get install golang-go, or go.dev/dl)"
  nbs_log "building k8s-check (k8s.io/api from the Go module proxy; first time takes minutes)"
  mkdir -p "$(dirname "$bin")"
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -o "$bin.tmp.$$" .) || nbs_die "building k8s-check failed"
  mv "$bin.tmp.$$" "$bin"
fi
exec "$bin" "$@"
