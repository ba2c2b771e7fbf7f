#!/usr/bin/env bash
# config/docker.yaml end to end, as its header tells an operator, with docker-compose on the
# podman socket (DOCKER_HOST) and the local images (tooling/containers/images.sh): Neo4j and MinIO
# up, a small graph written, the bucket set up, Neo4j stopped, dumped as uid 7474 into /backups,
# started again (the graph still there), the dump uploaded (SSE-KMS) by a MinIO user that is not
# root and removed locally, and the newest backup proven by backup-verify --mode load.
# Everything runs under its own Compose project with free host ports, removed at the end.
#   config/test-compose.sh   (run by tooling/containers/leg.sh compose)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../tooling/services/lib.sh
source "$root/tooling/services/lib.sh"
say() { echo "nbs compose test: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

[ -n "${DOCKER_HOST:-}" ] || fail "DOCKER_HOST is not set: run tooling/services/services.sh up podman and source .nbs/services.env"
project="nbs-compose-test-$$"
work="$(mktemp -d "${TMPDIR:-/tmp}/nbs-compose.XXXXXX")"
neo4j_pw="$(nbs_random_secret 20)"
http_port="$(nbs_free_port)" bolt_port="$(nbs_free_port)" minio_port="$(nbs_free_port)" console_port="$(nbs_free_port)"
# Generated here, never literals: the .env an operator keeps out of git.
(
  umask 077
  cat >"$work/.env" <<ENV
NEO4J_PASSWORD=$neo4j_pw
NEO4J_HTTP_PORT=$http_port
NEO4J_BOLT_PORT=$bolt_port
MINIO_PORT=$minio_port
MINIO_CONSOLE_PORT=$console_port
MINIO_ROOT_USER=nbs-root-$(nbs_random_secret 6)
MINIO_ROOT_PASSWORD=$(nbs_random_secret 24)
MINIO_KMS_SECRET_KEY=nbs-backups:$(head -c 32 /dev/urandom | base64)
BACKUP_KMS_KEY_ARN=nbs-backups
BACKUP_S3_BUCKET=nbs-compose
BACKUP_S3_PREFIX=compose
BACKUP_S3_ENDPOINT=http://minio:9000
BACKUP_AWS_ACCESS_KEY_ID=nbs-upload-$(nbs_random_secret 6)
BACKUP_AWS_SECRET_ACCESS_KEY=$(nbs_random_secret 24)
ENV
)
# Only the .env decides: a variable of this shell (e.g. BACKUP_S3_ENDPOINT from services.env)
# would win over it.
compose() {
  env -i PATH="$PATH" HOME="$HOME" DOCKER_HOST="$DOCKER_HOST" CONTAINERS_CONF="${CONTAINERS_CONF:-}" \
    docker-compose --project-name "$project" --env-file "$work/.env" -f "$root/config/docker.yaml" "$@"
}
env_get() { sed -n "s/^$1=//p" "$work/.env"; }

cleanup() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then compose logs --tail=30 neo4j minio >&2 2>/dev/null || true; fi
  compose --profile setup --profile backup down --volumes --timeout 30 >/dev/null 2>&1 || true
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT

cypher() { # one statement over HTTP; prints the first value of the first row
  printf 'user = "neo4j:%s"\n' "$neo4j_pw" | curl -fsS --max-time 30 -K - -H 'content-type: application/json' \
    -d "{\"statements\":[{\"statement\":\"$1\"}]}" "http://127.0.0.1:$http_port/db/neo4j/tx/commit" \
    | node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8"));if(r.errors.length)throw new Error(r.errors[0].message);console.log(r.results[0].data[0]?.row[0] ?? "")'
}
wait_for() { # <what> <seconds> <command...>
  local what="$1" s="$2" i
  shift 2
  for ((i = 0; i < s; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  fail "$what not ready after ${s}s"
}
neo4j_nodes() { cypher "MATCH (n:ComposeProbe) RETURN count(n)"; }

start=$SECONDS
say "1/7 up: neo4j, minio (project $project)"
compose up -d neo4j minio
wait_for "neo4j" 240 neo4j_nodes
wait_for "minio" 60 curl -fsS "http://127.0.0.1:$minio_port/minio/health/live"

say "2/7 a graph: 30 nodes, 29 relationships"
cypher "UNWIND range(1, 30) AS i CREATE (:ComposeProbe {i: i})" >/dev/null
cypher "MATCH (a:ComposeProbe), (b:ComposeProbe) WHERE b.i = a.i + 1 CREATE (a)-[:NEXT]->(b)" >/dev/null
[ "$(neo4j_nodes)" = 30 ] || fail "the graph was not written"

say "3/7 setup: bucket with SSE-KMS; a MinIO user for the upload (not root)"
compose --profile setup run --rm --no-deps minio-setup
# shellcheck disable=SC2016 # expanded by the container's shell
compose exec -T minio sh -c 'mc alias set local http://127.0.0.1:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null &&
  mc admin user add local "$1" "$2" >/dev/null && mc admin policy attach local readwrite --user "$1" >/dev/null' \
  sh "$(env_get BACKUP_AWS_ACCESS_KEY_ID)" "$(env_get BACKUP_AWS_SECRET_ACCESS_KEY)"

say "4/7 stop neo4j, dump as uid 7474 into /backups, start neo4j"
compose stop neo4j
compose --profile backup run --rm --no-deps backup-dump
owner="$(compose --profile backup run --rm --no-deps --entrypoint stat backup-dump -c '%u:%g %s' /backups/neo4j.dump | tr -d '\r')"
[[ "$owner" == "7474:7474 "* ]] || fail "the dump is owned by ${owner% *}, not the neo4j user 7474:7474"
compose start neo4j
wait_for "neo4j after the dump" 240 neo4j_nodes
[ "$(neo4j_nodes)" = 30 ] || fail "neo4j came back without its graph"

say "5/7 upload (SSE-KMS, sidecar, local dump removed)"
compose --profile backup run --rm --no-deps backup-upload
left="$(compose --profile backup run --rm --no-deps --entrypoint ls backup-dump -A /backups | tr -d '\r')"
[ -z "$left" ] || fail "the local dump was not removed after the upload: $left"

say "6/7 the objects in the bucket"
objects="$(compose exec -T minio mc ls --recursive local/nbs-compose/compose/ | tr -d '\r')"
echo "$objects" >&2
grep -q '\.dump$' <<<"$objects" || fail "no dump in the bucket"
grep -q '\.meta\.json$' <<<"$objects" || fail "no sidecar in the bucket"

say "7/7 verify --mode load"
report="$(compose --profile backup run --rm --no-deps backup-verify | tr -d '\r')"
echo "$report" >&2
say "passed in $((SECONDS - start))s"
