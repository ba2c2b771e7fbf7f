#!/usr/bin/env bash
# Static checks of the automation: actionlint (with shellcheck on every run: script) on every
# workflow, shellcheck on the shell entry points. Builds the pinned tools on first use.
# The act runs of the workflows are integration tests: tooling/automation/test/.
#   tooling/automation/check.sh [--help]
# Exit codes: 0 clean, 1 findings, 2 a tool is missing and cannot be installed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../services/lib.sh
source "$root/tooling/services/lib.sh"
# shellcheck source=tools.sh
source "$root/tooling/automation/tools.sh"

if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
  sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 0
fi
nbs_die() { echo "nbs automation: $*" >&2; exit 2; }
automation_tools

cd "$root"
mapfile -t workflows < <(find .github/workflows -name '*.yml' -o -name '*.yaml' | sort)
[ ${#workflows[@]} -gt 0 ] || { echo "nbs automation: no workflows under .github/workflows" >&2; exit 1; }
# actionlint disables its shellcheck rule without a word when the binary is missing; it is
# passed explicitly and its verbose output must not say the rule was disabled.
out="$("$ACTIONLINT_BIN" -verbose -shellcheck "$(command -v shellcheck)" "${workflows[@]}" 2>&1)" || {
  echo "$out" | grep -v '^verbose:' >&2
  echo "nbs automation: actionlint found problems in the workflows" >&2
  exit 1
}
if grep -q 'Rule "shellcheck" was disabled' <<<"$out"; then
  echo "nbs automation: actionlint ran without shellcheck; install shellcheck" >&2
  exit 2
fi
echo "nbs automation: actionlint $ACTIONLINT_PIN + shellcheck $(shellcheck --version | sed -n 's/^version: //p'): ${#workflows[@]} workflows clean" >&2

mapfile -t scripts < <(find scripts tooling/automation -name '*.sh' | sort)
shellcheck -x -P SCRIPTDIR "${scripts[@]}"
echo "nbs automation: shellcheck: ${#scripts[@]} scripts clean" >&2
