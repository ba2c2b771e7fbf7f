#!/usr/bin/env bash
# The static checks of config/kubernetes (tooling/dev.sh test, beside the integration suites):
# every manifest decodes strictly into the k8s.io/api Go types (k8s-check.sh) and validates
# against the Kubernetes OpenAPI schemas with kubeconform -strict (kubeconform.sh). Both tools
# and the schemas are built once into ~/.cache/nbs. kustomization.yaml is kustomize's, not an
# API object: `kubectl apply -k` reads it.
#   tooling/containers/check.sh [<dir>]   (default config/kubernetes)
# Exit codes: 0 clean, 1 a manifest is invalid, 2 a tool is missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="${1:-$root/config/kubernetes}"
mapfile -t files < <(find "$dir" -name '*.yaml' ! -name kustomization.yaml | sort)
[ ${#files[@]} -gt 0 ] || { echo "nbs kube check: no manifests under $dir" >&2; exit 2; }
bash "$root/tooling/containers/k8s-check.sh" "${files[@]}"
bash "$root/tooling/containers/kubeconform.sh" "${files[@]}"
echo "nbs kube check: ${#files[@]} files: strict decoding and kubeconform -strict clean" >&2
