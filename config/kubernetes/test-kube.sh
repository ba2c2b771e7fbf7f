#!/usr/bin/env bash
# The pods of config/kubernetes run here with `podman kube play` on the local images (there is no
# Kubernetes API here: run.sh's kubectl steps are played by this script, in the same order):
#   the "StatefulSet" at 1: nbs's Neo4j image as uid 7474 on the volume named like the chart's
#   PVC (the store at its root: podman 4.3 ignores the template's subPath), a graph written; "scale to 0": that container stopped;
#   the dump Job's pod (jobs/dump.yaml, the PVC a podman volume of that name); "scale to 1":
#   Neo4j started again, the graph still there; the upload-verify Job's pod
#   (jobs/upload-verify.yaml, envFrom the ConfigMap and the Secret) against a MinIO container.
# The manifests' schema is checked by the static checks (tooling/containers/check.sh: strict
# decoding and kubeconform -strict): see docs/neo4j/server.md for what is and is not validated.
#   config/kubernetes/test-kube.sh   (run by tooling/containers/leg.sh kube)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=../../tooling/services/lib.sh
source "$root/tooling/services/lib.sh"
say() { echo "nbs kube test: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

id="nbs-kube-$$"
work="$(mktemp -d "${TMPDIR:-/tmp}/nbs-kube.XXXXXX")"
pvc="$id-data" backups="$id-backups" net="$id"
neo4j_pw="$(nbs_random_secret 20)" http_port="$(nbs_free_port)"
minio_user="nbs-root-$(nbs_random_secret 6)" minio_pw="$(nbs_random_secret 24)"
kms="nbs-backups:$(head -c 32 /dev/urandom | base64)"

cleanup() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then podman logs --tail 30 "$id-neo4j" >&2 2>/dev/null || true; fi
  for f in "$work"/pod-*.yaml; do [ -f "$f" ] && podman kube down "$f" >/dev/null 2>&1; done
  podman rm -f -v -t 5 "$id-neo4j" "$id-minio" >/dev/null 2>&1 || true
  podman secret rm "nbs-backup-s3" >/dev/null 2>&1 || true
  podman volume rm -f "$pvc" "$backups" "$id-minio" >/dev/null 2>&1 || true
  podman network rm -f "$net" >/dev/null 2>&1 || true
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT

# The Job's pod template as a Pod, ${...} filled in like run.sh does, the PVC names ours.
job_pod() { # <template> <pod name>
  sed -e "s|\${STAMP}|test|g" -e "s|\${NEO4J_PVC}|$pvc|g" -e "s|\${NEO4J_DATABASE}|neo4j|g" \
    -e "s|\${NBS_VERIFY_IMAGE}|localhost/nbs/nbs-verify:latest|g" -e "s|claimName: nbs-backups|claimName: $backups|" "$1" \
    | python3 -c '
import sys, yaml
job = yaml.safe_load(sys.stdin)
tpl = job["spec"]["template"]
# podman 4.3 kube play ignores subPath on a PVC: the volume here holds the store at its root
# (the chart keeps it under data/), and the mount says so instead of silently differing.
for c in tpl["spec"].get("initContainers", []) + tpl["spec"]["containers"]:
    for m in c.get("volumeMounts", []):
        m.pop("subPath", None)
print(yaml.safe_dump({"apiVersion": "v1", "kind": "Pod",
  "metadata": {"name": sys.argv[1], "labels": tpl["metadata"]["labels"]}, "spec": tpl["spec"]}))
' "$2" >"$work/pod-$2.yaml"
}
play() { # <pod name> [kube play options]: run the pod; 0 when every container exited 0
  local pod="$1" c code rc=0
  shift
  podman kube play --quiet "$@" "$work/pod-$pod.yaml" >/dev/null
  for c in $(podman pod inspect "$pod" --format '{{range .Containers}}{{.Name}} {{end}}'); do
    [[ "$c" == *-infra ]] && continue
    code="$(podman wait "$c")"
    podman logs "$c" 2>&1 | tail -n 15 | sed "s/^/  [$c] /" >&2
    [ "$code" = 0 ] || { say "container $c exited $code"; rc=1; }
  done
  return "$rc"
}
cypher() {
  printf 'user = "neo4j:%s"\n' "$neo4j_pw" | curl -fsS --max-time 30 -K - -H 'content-type: application/json' \
    -d "{\"statements\":[{\"statement\":\"$1\"}]}" "http://127.0.0.1:$http_port/db/neo4j/tx/commit" \
    | node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8"));if(r.errors.length)throw new Error(r.errors[0].message);console.log(r.results[0].data[0]?.row[0] ?? "")'
}
nodes() { cypher "MATCH (n:KubeProbe) RETURN count(n)"; }
wait_nodes() {
  local i
  for ((i = 0; i < 240; i++)); do nodes >/dev/null 2>&1 && return 0; sleep 1; done
  fail "neo4j not ready after 240s"
}

start=$SECONDS
podman network create "$net" >/dev/null
podman volume create "$pvc" >/dev/null
podman volume create "$backups" >/dev/null
# The Helm chart's pod as uid 7474 with fsGroup: the volume belongs to 7474.
podman run --rm -v "$pvc:/data" -v "$backups:/backups" --entrypoint chown localhost/nbs/neo4j:latest 7474:7474 /data /backups
neo4j_run() {
  podman run -d --name "$id-neo4j" --user 7474:7474 -v "$pvc:/data" -p "127.0.0.1:$http_port:7474" \
    -e "NEO4J_AUTH=neo4j/$neo4j_pw" localhost/nbs/neo4j:latest >/dev/null
}

say "1/5 Neo4j (the StatefulSet's pod) with a graph"
neo4j_run
wait_nodes
cypher "UNWIND range(1, 20) AS i CREATE (:KubeProbe {i: i})" >/dev/null
[ "$(nodes)" = 20 ] || fail "the graph was not written"

say "2/5 scaled to 0; the dump Job's pod"
podman stop -t 120 "$id-neo4j" >/dev/null
podman rm -v "$id-neo4j" >/dev/null
job_pod "$here/jobs/dump.yaml" nbs-dump-test
play nbs-dump-test || fail "the dump pod failed"
owner="$(podman run --rm -v "$backups:/backups" --entrypoint stat localhost/nbs/neo4j:latest -c %u:%g /backups/neo4j.dump)"
[ "$owner" = 7474:7474 ] || fail "the dump belongs to $owner, not 7474:7474"

say "3/5 scaled back to 1: the graph is still there"
neo4j_run
wait_nodes
[ "$(nodes)" = 20 ] || fail "neo4j came back without its graph"

say "4/5 MinIO and the bucket (SSE-KMS)"
podman volume create "$id-minio" >/dev/null
podman run -d --name "$id-minio" --network "$net" --network-alias minio -v "$id-minio:/data" \
  -e "MINIO_ROOT_USER=$minio_user" -e "MINIO_ROOT_PASSWORD=$minio_pw" -e "MINIO_KMS_SECRET_KEY=$kms" \
  localhost/nbs/minio:latest server /data >/dev/null
for ((i = 0; i < 60; i++)); do podman exec "$id-minio" mc ready local >/dev/null 2>&1 && break; sleep 1; done
# shellcheck disable=SC2016 # expanded by the container's shell
podman exec "$id-minio" sh -c 'mc alias set local http://127.0.0.1:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null &&
  mc mb local/neo4j-backups >/dev/null && mc encrypt set sse-kms nbs-backups local/neo4j-backups >/dev/null'

say "5/5 the upload-verify Job's pod (ConfigMap, Secret)"
sed -e 's|^\(  BACKUP_KMS_KEY_ARN:\).*|\1 nbs-backups|' -e 's|^\(  AWS_REGION:\).*|\1 us-east-1|' \
  -e 's|^\(  BACKUP_S3_ENDPOINT:\).*|\1 http://minio:9000|' "$here/configmap.yaml" >"$work/configmap.yaml"
# The Secret of secret.example.yaml with MinIO's keys. podman 4.3 resolves envFrom secretRef
# from a podman secret holding the Secret's data as JSON (key: base64 value).
python3 -c '
import base64, json, sys, yaml
s = yaml.safe_load(open(sys.argv[1]))
keys = {"AWS_ACCESS_KEY_ID": sys.argv[2], "AWS_SECRET_ACCESS_KEY": sys.argv[3]}
assert set(s["stringData"]) == set(keys), "secret.example.yaml names other keys"
print(json.dumps({k: base64.b64encode(v.encode()).decode() for k, v in keys.items()}))' \
  "$here/secret.example.yaml" "$minio_user" "$minio_pw" >"$work/secret.json"
podman secret create nbs-backup-s3 "$work/secret.json" >/dev/null
job_pod "$here/jobs/upload-verify.yaml" nbs-upload-test
play nbs-upload-test --network "$net" --configmap "$work/configmap.yaml" || fail "the upload-verify pod failed"
objects="$(podman exec "$id-minio" mc ls --recursive local/neo4j-backups/prod/)"
grep -q '\.dump$' <<<"$objects" || fail "no dump in the bucket"
say "passed in $((SECONDS - start))s"
