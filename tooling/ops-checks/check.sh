#!/usr/bin/env bash
# The static checks of the ops half, one entry for the test command (tooling/dev.sh test):
#   1. the secrets guard over the working tree and the git history (pnpm secrets:scan)
#   2. config/aws: parliament on the policies, the Terraform parses as HCL2, the Terraform's
#      retention agrees with lifecycle-<env>.json, only documented placeholders
#   3. checkov on config/aws/terraform (skips are justified in the .tf files)
# parliament, checkov and the HCL parser live in one cached venv (tooling/ops-checks/iac/pyvenv.sh);
# gitleaks is built once into the cache (tooling/secrets/gitleaks.sh).
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: tooling/ops-checks/check.sh [--help]

Runs the secrets scan, parliament + HCL parse + lifecycle agreement on config/aws, and
checkov on config/aws/terraform. Installs its tools into ~/.cache/nbs on first use.

exit codes:
  0  every check passed
  1  a check found a problem (each is printed with its file)
  2  usage error, or a tool (python3, go) is missing to install the checkers
USAGE
}

case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  "") ;;
  *) echo "nbs ops-checks: unknown argument '$1'; see --help" >&2; exit 2 ;;
esac

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=tooling/ops-checks/iac/pyvenv.sh
source tooling/ops-checks/iac/pyvenv.sh

bash tooling/secrets/gitleaks.sh scan
venv="$(iac_venv)"
"$venv/bin/python" tooling/ops-checks/iac/check_config_aws.py config/aws
"$venv/bin/checkov" --directory config/aws/terraform --framework terraform --skip-download \
  --quiet --compact
