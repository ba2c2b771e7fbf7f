#!/usr/bin/env bash
# The shipped alert rules: promtool check rules (syntax, templates) and promtool test rules
# (config/prometheus/*.test.yml: each alert fires and resolves as documented). Part of the
# static checks of tooling/dev.sh test; installs Debian's prometheus package when missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash tooling/prometheus/install.sh
promtool check rules config/prometheus/nbs-alerts.yml
promtool test rules config/prometheus/*.test.yml
