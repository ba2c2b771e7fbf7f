#!/usr/bin/env bash
# The containers leg of the test command (tooling/dev.sh), on the podman socket of
# `services.sh up podman` (DOCKER_HOST in .nbs/services.env) and the local images (images.sh):
#   leg.sh [testcontainers] [compose] [kube] [image-job]   (default all four, in this order)
#   testcontainers  the @testcontainers/minio and @testcontainers/neo4j suites of @nbs/testenv,
#                   every test, with NBS_TESTENV=containers (the same tests GitHub's Docker runs;
#                   the dump/load round trip uses createEphemeralNeo4j's local homes in both modes);
#                   report: .vitest-results/containers.json
#   compose         config/docker.yaml end to end (config/test-compose.sh)
#   kube            the CronJob's pod of config/kubernetes with `podman kube play`
#                   (config/kubernetes/test-kube.sh)
#   image-job       the `image` job of .github/workflows/ci.yml under act, on the nbs image just
#                   built (tooling/automation/leg/image-job.test.ts): built and run on a branch,
#                   the GHCR push skipped; on a tag the push step runs (and stops at the login)
# Each step removes the containers it started, also when it fails.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
say() { echo "nbs containers: $*" >&2; }

[ -f .nbs/services.env ] || { say "no .nbs/services.env: run tooling/services/services.sh up podman"; exit 1; }
# shellcheck source=/dev/null
source .nbs/services.env
[ -n "${DOCKER_HOST:-}" ] || { say "podman is not running: run tooling/services/services.sh up podman"; exit 1; }

remove_testcontainers() {
  local ids
  ids="$(podman ps -aq --filter label=org.testcontainers=true)"
  # shellcheck disable=SC2086 # a list of ids
  [ -z "$ids" ] || podman rm -f -v -t 5 $ids >/dev/null 2>&1 || true # -v: the images' anonymous /data volumes
}

step_testcontainers() {
  trap remove_testcontainers RETURN
  NBS_TESTENV=containers pnpm exec vitest run --config tooling/vitest.integ.ts \
    --reporter=default --reporter=json --outputFile.json=.vitest-results/containers.json \
    tooling/testenv/test/s3.integ.test.ts tooling/testenv/test/neo4j.integ.test.ts
}

step_compose() { bash config/test-compose.sh; }
step_kube() { bash config/kubernetes/test-kube.sh; }
step_image-job() {
  (cd tooling/automation && pnpm exec vitest run --config vitest.leg.ts --reporter=default --reporter=json \
    --outputFile.json=../../.vitest-results/containers-image-job.json)
}

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(testcontainers compose kube image-job)
for s in "${steps[@]}"; do
  case "$s" in testcontainers | compose | kube | image-job) ;; *) say "unknown step: $s (testcontainers, compose, kube, image-job)"; exit 2 ;; esac
  start=$SECONDS
  say "step $s"
  "step_$s"
  say "step $s passed in $((SECONDS - start))s"
done
