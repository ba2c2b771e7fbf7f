#!/usr/bin/env bash
# Debian's Prometheus tools for the alert-rule checks and the monitoring integration test:
# prometheus + promtool, prometheus-node-exporter, prometheus-pushgateway. Installed with
# apt-get when missing (root; CI starts on a fresh machine), with their services kept from
# starting: the tests start their own on loopback ports. Prints nothing on success.
#   tooling/prometheus/install.sh        install when missing (exit 1 when it cannot)
set -euo pipefail
say() { echo "nbs prometheus: $*" >&2; }

PACKAGES=(prometheus prometheus-node-exporter prometheus-pushgateway)
BINARIES=(prometheus promtool prometheus-node-exporter prometheus-pushgateway)

missing() {
  local bin
  for bin in "${BINARIES[@]}"; do command -v "$bin" >/dev/null 2>&1 || return 0; done
  return 1
}

missing || exit 0
# As root, or through a password-less sudo (GitHub's hosted runners).
as_root=()
if [ "$(id -u)" != 0 ] && sudo -n true 2>/dev/null; then as_root=(sudo -n); fi
if ! command -v apt-get >/dev/null 2>&1 || { [ "$(id -u)" != 0 ] && [ ${#as_root[@]} -eq 0 ]; }; then
  say "missing ${BINARIES[*]}; install them as root: apt-get install ${PACKAGES[*]}"
  exit 1
fi

# policy-rc.d exit 101 = "do not start services": the packages' daemons would otherwise take
# the default ports (9090, 9100, 9091) and run beside the tests. Ours only if none was there.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
  "${as_root[@]}" chmod 755 "$policy" && own_policy=1
fi
trap 'if [ "$own_policy" = 1 ]; then "${as_root[@]}" rm -f "$policy"; fi' EXIT

say "installing ${PACKAGES[*]} with apt-get"
apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)
{ "${apt[@]}" install -y --no-install-recommends "${PACKAGES[@]}" >&2 \
  || { "${apt[@]}" update >&2 && "${apt[@]}" install -y --no-install-recommends "${PACKAGES[@]}" >&2; }; } \
  || { say "apt-get install ${PACKAGES[*]} failed"; exit 1; }

# Under systemd (where policy-rc.d may not be honoured by every path) stop and disable them.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  "${as_root[@]}" systemctl disable --now "${PACKAGES[@]}" >&2 2>/dev/null || true
fi
missing && { say "still missing one of ${BINARIES[*]} after the install"; exit 1; }
exit 0
