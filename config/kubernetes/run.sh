#!/bin/sh
# The CronJob's orchestrator (runs with kubectl, as the ServiceAccount nbs-backup):
#   1. scale the Neo4j StatefulSet to 0 and wait until its pod is gone (Community dumps offline)
#   2. Job nbs-dump-<stamp>: neo4j-admin database dump from the Neo4j PVC into nbs-backups
#   3. scale back to the replicas it had, always (also when 1 or 2 failed), and wait until ready
#   4. Job nbs-upload-<stamp>: nbs-upload, then nbs-verify --mode load
# Exit 0 only when all four held. Templates: /etc/nbs/dump.yaml, /etc/nbs/upload-verify.yaml.
set -eu
: "${NEO4J_STATEFULSET:?}" "${NEO4J_PVC:?}" "${NEO4J_DATABASE:=neo4j}" "${NBS_VERIFY_IMAGE:?}"
STAMP="$(date -u +%Y%m%d%H%M%S)"
export STAMP NEO4J_PVC NEO4J_DATABASE NBS_VERIFY_IMAGE
say() { echo "nbs backup: $*" >&2; }
render() { # the template with ${STAMP}, ${NEO4J_PVC}, ${NEO4J_DATABASE}, ${NBS_VERIFY_IMAGE}
  sed -e "s|\${STAMP}|$STAMP|g" -e "s|\${NEO4J_PVC}|$NEO4J_PVC|g" \
    -e "s|\${NEO4J_DATABASE}|$NEO4J_DATABASE|g" -e "s|\${NBS_VERIFY_IMAGE}|$NBS_VERIFY_IMAGE|g" "$1"
}
run_job() { # <template> <name>: create, wait for completion, print its logs; 1 when it failed
  render "$1" | kubectl create -f - >/dev/null
  if kubectl wait --for=condition=complete --timeout="${2}s" "job/$3" >/dev/null 2>&1; then
    kubectl logs "job/$3" --all-containers >&2 || true
    return 0
  fi
  kubectl logs "job/$3" --all-containers >&2 || true
  say "job $3 did not complete"
  return 1
}

sts="statefulset/$NEO4J_STATEFULSET"
replicas="$(kubectl get "$sts" -o jsonpath='{.spec.replicas}')"
[ "$replicas" -ge 1 ] || { say "$sts has $replicas replicas: nothing to back up, or a backup is under way"; exit 1; }
restore() {
  say "3/4 scaling $sts back to $replicas"
  kubectl scale "$sts" --replicas="$replicas" >/dev/null
  kubectl rollout status "$sts" --timeout=15m >&2
}

say "1/4 scaling $sts to 0"
kubectl scale "$sts" --replicas=0 >/dev/null
if ! kubectl wait --for=delete "pod/$NEO4J_STATEFULSET-0" --timeout=10m >/dev/null 2>&1; then
  restore; say "Neo4j did not stop within 10 minutes"; exit 1
fi
say "2/4 dump of $NEO4J_DATABASE from $NEO4J_PVC"
dumped=0
run_job /etc/nbs/dump.yaml 3600 "nbs-dump-$STAMP" || dumped=1
restore
[ "$dumped" = 0 ] || { say "the dump failed; Neo4j is back, nothing was uploaded"; exit 1; }
say "4/4 upload and verify --mode load"
run_job /etc/nbs/upload-verify.yaml 7200 "nbs-upload-$STAMP"
say "done: uploaded and verified"
