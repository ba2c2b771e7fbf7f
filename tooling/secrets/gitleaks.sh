#!/usr/bin/env bash
# Secrets guard: gitleaks at a pinned version, built once into the cache from the Go module
# proxy, run with the repository's .gitleaks.toml (the defaults plus nbs rules).
#   gitleaks.sh scan [--repo DIR]      the working tree and the whole git history
#   gitleaks.sh staged [--repo DIR]    only the staged changes (the pre-commit hook)
#   gitleaks.sh path                   build if needed and print the binary's path
#   gitleaks.sh --help
# Findings name the file and line, never the secret (--redact).
set -euo pipefail

GITLEAKS_MODULE="github.com/zricethezav/gitleaks/v8"
GITLEAKS_VERSION="v8.30.1"
NBS_CACHE_DIR="${NBS_CACHE_DIR:-$HOME/.cache/nbs}"
GITLEAKS_BIN="$NBS_CACHE_DIR/gitleaks/$GITLEAKS_VERSION/bin/gitleaks"
CONFIG="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.gitleaks.toml"

usage() {
  cat <<USAGE
usage: tooling/secrets/gitleaks.sh scan|staged|path [--repo DIR]

  scan     scan the working tree and every commit of the git history (pnpm secrets:scan);
           on GitHub Actions (GITHUB_ACTIONS=true) refuses a shallow clone, whose history is
           cut off (the workflow checks out with fetch-depth: 0); elsewhere it warns and scans
           the history the clone has
  staged   scan only what is staged for the next commit (the pre-commit hook)
  path     build gitleaks $GITLEAKS_VERSION into $NBS_CACHE_DIR/gitleaks if needed; print its path
  --repo   the repository to scan (default: the current directory)

gitleaks is built from the Go module proxy ($GITLEAKS_MODULE@$GITLEAKS_VERSION)
and uses .gitleaks.toml: gitleaks' default rules plus Neo4j / MinIO / AWS secrets with a
literal value in env, JSON, YAML, Kubernetes and code notations, neo4j:// and bolt:// URIs
with a password, and passwords given to cypher-shell (-p) or neo4j-admin set-initial-password.

exit codes:
  0  no secret found
  1  a secret was found (each finding names its file and line), or gitleaks failed
  2  usage error, a shallow clone to scan on GitHub Actions, or Go is missing to build gitleaks
USAGE
}

say() { echo "nbs secrets: $*" >&2; }

install_gitleaks() {
  [ -x "$GITLEAKS_BIN" ] && return 0
  command -v go >/dev/null 2>&1 || {
    say "go not found; install Go >= 1.24 (apt-get install golang-go) to build gitleaks"
    exit 2
  }
  local bindir tmp
  bindir="$(dirname "$GITLEAKS_BIN")"
  tmp="$bindir.tmp.$$"
  say "building $GITLEAKS_MODULE@$GITLEAKS_VERSION (first time takes a minute or two)"
  rm -rf "$tmp" && mkdir -p "$tmp"
  GOBIN="$tmp" CGO_ENABLED=0 GOFLAGS=-trimpath go install "$GITLEAKS_MODULE@$GITLEAKS_VERSION" >&2 || {
    rm -rf "$tmp"
    say "go install $GITLEAKS_MODULE@$GITLEAKS_VERSION failed"
    exit 1
  }
  rm -rf "$bindir" && mkdir -p "$(dirname "$bindir")" && mv "$tmp" "$bindir"
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
repo="."
while [ $# -gt 0 ]; do
  case "$1" in
    --repo)
      [ $# -ge 2 ] || { say "--repo needs a directory; try --repo ."; exit 2; }
      repo="$2"
      shift 2
      ;;
    -h | --help) usage; exit 0 ;;
    *) say "unknown argument '$1'; see --help"; exit 2 ;;
  esac
done

# The working tree as git sees it: tracked and untracked files, minus what .gitignore excludes
# (node_modules, dist, .nbs state with its generated test passwords). Copied to a temporary
# directory so findings are named by their path in the repository.
scan_tree() {
  local tree rc=0 file
  tree="$(mktemp -d)"
  while IFS= read -r -d '' file; do
    # a listed file may be deleted but not yet staged, or a symlink to outside the tree
    if [ ! -f "$1/$file" ] || [ -L "$1/$file" ]; then continue; fi
    mkdir -p "$tree/$(dirname "$file")"
    cp "$1/$file" "$tree/$file"
  done < <(git -C "$1" ls-files -z --cached --others --exclude-standard)
  say "scanning the working tree of $1 ($(find "$tree" -type f | wc -l) files)"
  (cd "$tree" && "$GITLEAKS_BIN" dir "${common[@]}" .) || rc=$?
  rm -rf "$tree"
  return "$rc"
}

common=(--config "$CONFIG" --redact --verbose --no-banner --no-color --exit-code 1 --log-level warn)
case "$cmd" in
  -h | --help) usage ;;
  path) install_gitleaks && echo "$GITLEAKS_BIN" ;;
  scan)
    # A shallow clone (actions/checkout's default fetch-depth: 1) has one commit: a secret
    # pushed in an earlier commit of the same push, or still in the history, would pass.
    # On GitHub the workflow fetches the whole history, so a shallow clone there is a broken
    # checkout step; a local shallow clone (someone's `git clone --depth 1`) is scanned as far
    # as it goes, with a warning, rather than failing the whole test command.
    if [ "$(git -C "$repo" rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
      if [ "${GITHUB_ACTIONS:-}" = true ]; then
        say "$repo is a shallow clone: its history is cut off and would not be scanned; fetch it whole (actions/checkout with fetch-depth: 0, or git fetch --unshallow)"
        exit 2
      fi
      say "warning: $repo is a shallow clone: only the commits it has are scanned (git fetch --unshallow for all)"
    fi
    install_gitleaks
    scan_tree "$repo"
    say "scanning the git history of $repo"
    "$GITLEAKS_BIN" git "${common[@]}" "$repo"
    say "no secrets found"
    ;;
  staged)
    install_gitleaks
    "$GITLEAKS_BIN" git "${common[@]}" --staged "$repo"
    ;;
  "") usage >&2; exit 2 ;;
  *) say "unknown command '$cmd'; use scan, staged or path"; exit 2 ;;
esac
