#!/usr/bin/env bash
# Installs the git hooks of lefthook.yml (the secrets guard's pre-commit scan). Run by
# `pnpm install` through the root package.json's prepare script: pnpm does not run lefthook's
# own postinstall, so the hook is installed here, explicitly.
#   install-hook.sh [--help]
set -euo pipefail

if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  cat <<'USAGE'
usage: tooling/secrets/install-hook.sh

Installs the pre-commit hook (lefthook.yml) that scans staged changes for secrets.
Outside a git checkout (an unpacked tarball) there is nothing to install; it says so.
NBS_SKIP_GIT_HOOKS=1 skips it (a git worktree shares its hooks with the main checkout).

exit codes:
  0  hook installed, or not a git checkout, or skipped
  1  lefthook failed to install the hook
  2  usage error
USAGE
  exit 0
fi
[ $# -eq 0 ] || { echo "nbs secrets: unknown argument '$1'; see --help" >&2; exit 2; }

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [ "${NBS_SKIP_GIT_HOOKS:-}" = "1" ]; then
  echo "nbs secrets: NBS_SKIP_GIT_HOOKS=1; pre-commit hook not installed" >&2
  exit 0
fi
if ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "nbs secrets: not a git checkout; no pre-commit hook installed" >&2
  exit 0
fi
pnpm exec lefthook install >&2
