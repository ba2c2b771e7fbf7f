# shellcheck shell=bash
# Source this file: iac_venv prints the path of a cached Python venv holding parliament and
# checkov at pinned versions, creating it on first use. The versions are part of the path, so
# a new pin makes a new venv; a venv whose install did not finish has no .complete marker and
# is made again.
IAC_PARLIAMENT_VERSION="1.6.4"
IAC_CHECKOV_VERSION="3.3.30"
NBS_CACHE_DIR="${NBS_CACHE_DIR:-$HOME/.cache/nbs}"

iac_venv() {
  local dir="$NBS_CACHE_DIR/iac-venv/parliament-$IAC_PARLIAMENT_VERSION-checkov-$IAC_CHECKOV_VERSION"
  if [ ! -f "$dir/.complete" ]; then
    command -v python3 >/dev/null 2>&1 || {
      echo "nbs iac: python3 not found; install Python >= 3.9 with venv (apt-get install python3-venv)" >&2
      return 2
    }
    echo "nbs iac: installing parliament $IAC_PARLIAMENT_VERSION and checkov $IAC_CHECKOV_VERSION into $dir (first time takes a few minutes)" >&2
    rm -rf "$dir" && mkdir -p "$(dirname "$dir")"
    python3 -m venv "$dir" >&2 || return 1
    "$dir/bin/pip" install --quiet --disable-pip-version-check \
      "parliament==$IAC_PARLIAMENT_VERSION" "checkov==$IAC_CHECKOV_VERSION" >&2 || {
      echo "nbs iac: pip install of parliament $IAC_PARLIAMENT_VERSION / checkov $IAC_CHECKOV_VERSION failed" >&2
      return 1
    }
    touch "$dir/.complete"
  fi
  echo "$dir"
}
