#!/usr/bin/env bash
# Developer and CI entry point.
#   dev.sh test   install (frozen lockfile), build, typecheck, lint, unit tests, API reports
#                 (api-extractor; `pnpm api:update` after a deliberate API change), the static
#                 checks (knip, prettier, ops-checks, automation, promtool, config/kubernetes), then the integration
#                 tests against local MinIO, versitygw, Neo4j and toxiproxy (started here if not
#                 running, and stopped again on exit only if this run started them). The
#                 services start in the background while the build and unit tests run; the
#                 static checks run beside the integration suites, which run side by side
#                 (tooling/vitest.integ.ts). The containers leg (tooling/containers/leg.sh:
#                 Testcontainers suites, config/docker.yaml end to end, the Kubernetes pods) runs
#                 beside them too, on podman and images built locally in the background from the
#                 start (cached by content hash). NBS_SKIP_CONTAINERS=1 (not in CI) skips it.
#                 Fails when a Neo4j server outlived its deleted home (tooling/services/neo4j-orphans.sh), and stops it.
#   dev.sh demo   the main job end to end on local MinIO + Neo4j (only those two are started,
#                 MinIO without mc): seed a graph, backup.sh, upload_backup_to_s3.sh,
#                 verify_restore.sh --mode load; prints the report
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bootstrap.sh
source tooling/bootstrap.sh
nbs_bootstrap
# shellcheck source=dev-jobs.sh
source tooling/dev-jobs.sh
# The tests and the demo start many short-lived JVMs (each Neo4j start, each neo4j-admin call):
# C1-only compilation and the serial collector cut their CPU by about 45 % (7 CPU-s instead of
# 13 per Neo4j start on a 2-core machine); the launcher (tooling/services/neo4j/launcher) and
# Neo4j's own bootloader pass JAVA_OPTS to every JVM. Set JAVA_OPTS (even empty) to override.
# Class Data Sharing cuts about 40 % more: the archive (tooling/services/neo4j-cds.sh, built once
# per Neo4j version and JDK in the cache by `dev.sh test`) holds Neo4j's classes parsed and
# verified. A JVM that finds it missing or not matching loads its classes the usual way, silently.
export JAVA_OPTS="${JAVA_OPTS--XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:SharedArchiveFile=$(bash tooling/services/neo4j-cds.sh path) -Xlog:cds*=off}"
# turbo's cache lives in the machine cache, not in the checkout's .turbo: a fresh clone on a warm
# machine restores build, typecheck, lint and api from it instead of redoing them (≈ 3 CPU-min).
# turbo.json lists every file each task reads, root configs included, so a change still re-runs
# it; unit tests are never cached. Entries written more than 30 days ago are pruned.
export TURBO_CACHE_DIR="${TURBO_CACHE_DIR:-$NBS_CACHE_DIR/turbo}"
mkdir -p "$TURBO_CACHE_DIR"
find "$TURBO_CACHE_DIR" -type f -mtime +30 -delete 2>/dev/null || true

services() { bash tooling/services/services.sh "$@"; }

started_file=""
on_exit() {
  local rc=$? names
  jobs_kill_all
  if [ -n "$started_file" ] && [ -s "$started_file" ]; then
    names="$(sort -u "$started_file" | tr '\n' ' ')"
    say "stopping services this run started: $names"
    # shellcheck disable=SC2086 # a list of service names
    services down $names || true
  fi
  [ -z "$started_file" ] || rm -f "$started_file"
  phases_report
  exit "$rc"
}

static_checks() {
  pnpm knip
  pnpm lint:cycles # import cycles, type-only ones too (import-x/no-cycle ignores those)
  pnpm format:check
  bash tooling/ops-checks/check.sh # secrets scan, parliament, HCL parse, lifecycle agreement, checkov
  bash tooling/automation/check.sh
  bash tooling/prometheus/check.sh # promtool check rules + test rules on config/prometheus
  bash tooling/containers/check.sh  # config/kubernetes: strict decoding + kubeconform -strict
}

# The nbs images (they package this build), then the leg: Testcontainers, Compose, Kubernetes.
containers_leg() {
  bash tooling/containers/images.sh nbs nbs-verify
  bash tooling/containers/leg.sh
}

cmd_test() {
  rm -rf .vitest-results packages/*/.vitest-results apps/*/.vitest-results tooling/*/.vitest-results
  mkdir -p .nbs/logs
  started_file="$(mktemp)"
  trap on_exit EXIT
  # Services first: cold, this is Go builds and a Maven download; warm, Neo4j's JVM start.
  local containers=true
  if [ "${NBS_SKIP_CONTAINERS:-}" = 1 ] && [ "${CI:-}" != true ]; then
    containers=false
    say "NBS_SKIP_CONTAINERS=1: no containers leg"
  fi
  if $containers; then
    # podman (installed here on a fresh machine), then the images that need no build of this
    # checkout: cold ~4-5 min (mmdebstrap), warm a few seconds.
    NBS_STARTED_FILE="$started_file" job_start images \
      sh -c 'bash tooling/services/services.sh up podman && bash tooling/containers/images.sh minio neo4j'
  fi
  NBS_STARTED_FILE="$started_file" job_start services bash tooling/services/services.sh up
  # The CDS archive for the test JVMs (cold: 2-3 CPU-min, once; warm: a check), ready before
  # the integration suites start their Neo4j instances; without it they only run slower.
  job_start neo4j-cds sh -c 'bash tooling/services/neo4j-cds.sh build || echo "no CDS archive; continuing without"'
  # Every Neo4j and neo4j-admin call of the run, counted at the end (the launcher writes them).
  export NBS_NEO4J_CALL_LOG="$PWD/.nbs/logs/neo4j-calls.log"
  : >"$NBS_NEO4J_CALL_LOG"
  # Debian's prometheus, node_exporter and Pushgateway (apt-get on a fresh machine; no daemon
  # left running): promtool for the static checks, all three for the monitoring suite.
  job_start prometheus bash tooling/prometheus/install.sh
  phase install pnpm install --frozen-lockfile
  phase turbo pnpm turbo run build typecheck lint test api # api: etc/*.api.md must match the built API
  job_wait services
  job_wait prometheus
  # shellcheck source=/dev/null
  source .nbs/services.env
  # The static checks beside the integration suites, not beside the unit tests: the suites wait
  # on JVMs and servers and have generous hang guards; unit tests have tight ones.
  job_start static-checks static_checks
  if $containers; then
    job_wait images
    # shellcheck source=/dev/null
    source .nbs/services.env # DOCKER_HOST
    job_start containers containers_leg
  fi
  job_wait neo4j-cds
  local integ_since
  integ_since="$(cut -d. -f1 /proc/uptime)"
  phase integ pnpm test:integ
  say "Neo4j launcher calls so far: $(sort "$NBS_NEO4J_CALL_LOG" | uniq -c | sort -rn | awk '{n = $1; $1 = ""; printf "%s%s ×%d", sep, substr($0, 2), n; sep = ", "}')"
  job_wait static-checks
  if $containers; then job_wait containers; fi
  node tooling/test-summary.mjs
  # A Neo4j server that outlived its deleted home (a suite removed the home while a server ran in
  # it) fails the run: stopped, one line each naming pid and home (docs/ci-time.md).
  bash tooling/services/neo4j-orphans.sh --stop "$integ_since"
}

cmd_demo() {
  # set-up noise goes to stderr; stdout carries the summary and the final report
  mkdir -p .nbs/logs
  trap on_exit EXIT
  # Cold, MinIO's Go build is the long pole (docs/demo.md): Neo4j comes up on its own, so seeding
  # and backup.sh run while MinIO still compiles; mc is not built (the bucket is made with node).
  job_start neo4j bash tooling/services/services.sh up neo4j
  job_start minio bash tooling/services/services.sh up --no-mc minio
  phase install pnpm install --frozen-lockfile >&2
  phase build pnpm turbo run build --output-logs=errors-only >&2
  job_wait neo4j
  # shellcheck source=/dev/null
  source .nbs/services.env
  local out="$PWD/.nbs/demo" bucket="nbs-demo"
  mkdir -p "$out"
  say "1/4 seeding a small graph into $NEO4J_URI"
  phase seed node tooling/testenv/bin/seed.js --reset >&2
  say "2/4 backup.sh: stats while online, stop, dump, start"
  local dumped dump start=$SECONDS
  dumped="$(scripts/neo4j/backup.sh --db neo4j --out-dir "$out" --json)"
  NBS_PHASES+=("backup $((SECONDS - start))s")
  dump="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).file)' <<<"$dumped")"
  job_wait minio
  # services.env again with both (the minio job may have written it while backup.sh had Neo4j stopped)
  services up --no-mc minio neo4j 2>/dev/null
  # shellcheck source=/dev/null
  source .nbs/services.env
  say "3/4 upload_backup_to_s3.sh: $dump -> s3://$bucket/demo (SSE-KMS)"
  node tooling/testenv/bin/create-bucket.js "$bucket" >&2
  phase upload scripts/neo4j/upload_backup_to_s3.sh --file "$dump" --bucket "$bucket" --prefix demo --kms-key "$NBS_KMS_KEY_ID"
  say "4/4 verify_restore.sh: newest backup, loaded into a throwaway Neo4j, counts compared"
  rm -f "$out/summary.md"
  phase verify scripts/neo4j/verify_restore.sh --latest --bucket "$bucket" --prefix demo --db neo4j --mode load \
    --neo4j-home "$NEO4J_HOME" --report "$out/report.json" --summary-md "$out/summary.md"
  cat "$out/summary.md"
  say "report: $out/report.json"
  cat "$out/report.json"
}

case "${1:-}" in
  test) cmd_test ;;
  demo) cmd_demo ;;
  *) echo "usage: tooling/dev.sh test|demo" >&2; exit 2 ;;
esac
