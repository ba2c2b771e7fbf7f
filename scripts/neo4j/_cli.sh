# shellcheck shell=bash
# Shared by the entry points: find nbs-upload / nbs-verify and exec it with the given arguments.
# Order: $NBS_UPLOAD_BIN / $NBS_VERIFY_BIN, then the command on PATH, then this checkout's build.
nbs_exec() {
  local name="$1" var="$2" app="$3"
  shift 3
  local override="${!var:-}"
  if [ -n "$override" ]; then exec $override "$@"; fi
  if command -v "$name" >/dev/null 2>&1; then exec "$name" "$@"; fi
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  local built="$root/apps/$app/dist/cli.js"
  if [ -f "$built" ]; then
    command -v node >/dev/null 2>&1 || { echo "$(basename "$0"): node not found; install Node.js >= 22" >&2; exit 2; }
    exec node "$built" "$@"
  fi
  echo "$(basename "$0"): $name not found; install it, set $var, or build this checkout (pnpm build)" >&2
  exit 2
}
