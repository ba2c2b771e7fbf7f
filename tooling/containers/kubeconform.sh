#!/usr/bin/env bash
# Schema validation of Kubernetes manifests with kubeconform, offline and strict:
#   kubeconform.sh <file.yaml>...
# kubeconform is built once with `go install` from the Go module proxy (pinned); its schemas are
# made once from the Kubernetes OpenAPI spec of the k8s.io/kubernetes module (the same minor as
# k8s-check's k8s.io/api), fetched through the Go module proxy (`go mod download`), converted by
# k8s-schemas.mjs: every object refuses unknown fields, required fields are required. Both are
# cached in $NBS_CACHE_DIR/kubeconform (cold about a minute, warm instant).
# Exit codes: 0 valid, 1 a manifest is invalid (kubeconform names file, resource and path),
# 2 a tool is missing or cannot be built.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../services/lib.sh
source "$here/../services/lib.sh"
KUBECONFORM_PIN="v0.8.0"
K8S_SPEC_VERSION="v1.33.4" # k8s.io/api v0.33.4 in k8s-check/go.mod
[ $# -gt 0 ] || { echo "usage: kubeconform.sh <file.yaml>..." >&2; exit 2; }
die() { echo "nbs kubeconform: $*" >&2; exit 2; }
command -v go >/dev/null 2>&1 || die "go not found; install Go >= 1.24 (apt-get install golang-go, or go.dev/dl)"

bin="$NBS_CACHE_DIR/kubeconform/$KUBECONFORM_PIN/bin/kubeconform"
if [ ! -x "$bin" ]; then
  nbs_log "building kubeconform $KUBECONFORM_PIN (Go module proxy)"
  tmp="$(dirname "$bin").tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  GOBIN="$tmp" CGO_ENABLED=0 GOFLAGS=-trimpath go install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_PIN" >&2 \
    || { rm -rf "$tmp"; die "go install github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_PIN failed"; }
  rm -rf "$(dirname "$bin")" && mv "$tmp" "$(dirname "$bin")"
fi

gen_hash="$(sha256sum "$here/k8s-schemas.mjs" | cut -c1-12)"
schemas="$NBS_CACHE_DIR/kubeconform/schemas-$K8S_SPEC_VERSION-$gen_hash"
if [ ! -d "$schemas" ]; then
  command -v node >/dev/null 2>&1 || die "node not found (source tooling/bootstrap.sh)"
  nbs_log "making kubeconform schemas from k8s.io/kubernetes@$K8S_SPEC_VERSION's OpenAPI spec (Go module proxy)"
  info="$(cd /tmp && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$K8S_SPEC_VERSION")" \
    || die "go mod download k8s.io/kubernetes@$K8S_SPEC_VERSION failed: $(tail -n 1 <<<"$info")"
  dir="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).Dir)' <<<"$info")"
  node "$here/k8s-schemas.mjs" "$dir/api/openapi-spec/swagger.json" "$schemas.tmp.$$" >&2 \
    || { rm -rf "$schemas.tmp.$$"; die "converting the OpenAPI spec failed"; }
  mv "$schemas.tmp.$$" "$schemas"
fi

"$bin" -strict -summary -schema-location "$schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json" "$@"
