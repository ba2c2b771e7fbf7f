#!/usr/bin/env bash
# Restore and `--mode load` of a generated graph (1M nodes / 2M relationships by default), phase by
# phase, against the plain commands a user would run: `mc cp` of the dump, `neo4j stop`,
# `neo4j-admin database load --overwrite-destination`, `neo4j start` until the database answers,
# the count queries, `SHOW INDEXES` / `SHOW CONSTRAINTS`. Interleaved runs, order rotating.
# NEVER part of the test suite.
#
#   bash bench/restore/run.sh [--nodes N] [--rels-per-node R] [--runs N] [--modes plain,restore,load] [--out DIR]
#
#   --nodes N          graph size (default 1000000)
#   --rels-per-node R  relationships per node (default 2: 2M relationships)
#   --runs N           timed runs per mode, interleaved (default 3)
#   --modes L          comma list of plain, restore (`nbs-verify restore` onto the bench's Neo4j),
#                      load (`nbs-verify --mode load`, an ephemeral Neo4j); default all three
#   --out DIR          samples and report (default bench/results/restore-<utc time>)
#   --prepare-only     generate and cache the graph's dump, then exit (nothing timed: run it
#                      outside the heavy lock, then the timed run under it)
#
# nbs's phases come from its report (`durations_ms`) and, for the restore's stop / load / start
# (one `neo4j_restore` step in the report), from the timestamps of its `restore.neo4j.*` events.
# The graph (with a uniqueness constraint, so there is a schema to compare) is generated once and
# its dump + local sidecar cached under ~/.cache/nbs/bench/restore-<N>-<R>.
#
# Environment: NBS_BENCH_TMP (parent of the temp dir, default ${TMPDIR:-/tmp}),
# NBS_BENCH_NBS_DIR (the .nbs directory of running services, default <repo>/.nbs).
# Needs: the repo built, MinIO via `pnpm services up minio`, the cached Neo4j 5.26 install.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
nodes=1000000 rpn=2 runs=3 modes="plain,restore,load" out="" prepare_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes="$2"; shift 2 ;;
    --rels-per-node) rpn="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --modes) modes="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --prepare-only) prepare_only=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$nodes" =~ ^[1-9][0-9]*$ && "$rpn" =~ ^[1-9][0-9]*$ && "$runs" =~ ^[1-9][0-9]*$ ]] \
  || { echo "bench: --nodes, --rels-per-node and --runs must be positive integers" >&2; exit 2; }

log() { echo "bench: $(date -u +%H:%M:%S) $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }
ms() { date +%s%3N; }

cd "$root"
# shellcheck disable=SC1091
source tooling/bootstrap.sh
nbs_bootstrap
[ -f apps/verify-cli/dist/cli.js ] || die "nbs-verify is not built: pnpm turbo run build"
nbs_dir="${NBS_BENCH_NBS_DIR:-$root/.nbs}"
[ -f "$nbs_dir/services.env" ] || die "no $nbs_dir/services.env: pnpm services up minio"
# shellcheck disable=SC1091
source "$nbs_dir/services.env"
if [ -n "${AWS_CA_BUNDLE:-}" ]; then export NODE_EXTRA_CA_CERTS="$AWS_CA_BUNDLE"; fi
mc() { "$NBS_MC" --quiet "$@"; }
install="${XDG_CACHE_HOME:-$HOME/.cache}/nbs/neo4j/${NEO4J_VERSION:-5.26.30}"
[ -x "$install/bin/neo4j-admin" ] || die "no Neo4j install at $install: pnpm services up neo4j"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="${out:-$root/bench/results/restore-$stamp}"
mkdir -p "$out"
work="$(mktemp -d "${NBS_BENCH_TMP:-${TMPDIR:-/tmp}}/nbs-bench-restore-XXXXXX")"
home="$work/home"
bucket="nbs-bench-restore-$(date +%s)-$RANDOM"
cleanup() {
  NEO4J_HOME="$home" "$home/bin/neo4j" stop >/dev/null 2>&1 || true
  mc rb --force "nbs/$bucket" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# --- the user's Neo4j (the restore's target and the plain commands') --------------------
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
mkdir -p "$home"/{conf,data,logs,run,import,plugins}
cp -r "$install/bin" "$home/bin"
ln -s "$install/lib" "$home/lib"
bolt_port="$(free_port)" http_port="$(free_port)"
cat >"$home/conf/neo4j.conf" <<CONF
server.default_listen_address=127.0.0.1
server.bolt.listen_address=127.0.0.1:$bolt_port
server.http.listen_address=127.0.0.1:$http_port
server.https.enabled=false
server.directories.data=$home/data
server.directories.logs=$home/logs
server.directories.run=$home/run
server.memory.heap.initial_size=512m
server.memory.heap.max_size=512m
server.memory.pagecache.size=256m
CONF
export NEO4J_HOME="$home" NEO4J_CONF="$home/conf"
export NEO4J_URI="bolt://127.0.0.1:$bolt_port" NEO4J_USERNAME=neo4j
NEO4J_PASSWORD="$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export NEO4J_PASSWORD
"$home/bin/neo4j-admin" dbms set-initial-password "$NEO4J_PASSWORD" >/dev/null

# --- the graph: generated, imported, constrained and dumped once ------------------------
cache="${XDG_CACHE_HOME:-$HOME/.cache}/nbs/bench/restore-$nodes-$rpn"
if [ ! -f "$cache/.complete" ]; then
  log "generating $nodes nodes and $((nodes * rpn)) relationships (CSV), importing, dumping into $cache"
  bash "$here/gen.sh" "$nodes" "$rpn" "$work/csv"
  "$home/bin/neo4j-admin" database import full neo4j --overwrite-destination=true \
    --nodes="$work/csv/nodes.csv" --relationships="$work/csv/rels.csv" \
    --report-file="$out/import.report" >"$out/import.log" 2>&1 \
    || die "import failed; see $out/import.log"
  rm -rf "$work/csv" "$cache"
  "$home/bin/neo4j" start >/dev/null
  node "$here/query.mjs" --setup >"$out/setup.json" || die "the bench Neo4j did not answer; see $home/logs"
  mkdir -p "$cache"
  node apps/upload-cli/dist/cli.js dump --db neo4j --out-dir "$cache" --neo4j-home "$home" \
    --neo4j-uri "$NEO4J_URI" --state-dir "$work/state" --json >"$out/dump.json" 2>"$out/dump.log" \
    || die "nbs-upload dump failed; see $out/dump.log"
  touch "$cache/.complete"
else
  log "using the cached dump in $cache"
fi
dump="$(find "$cache" -maxdepth 1 -name '*.dump' | head -n 1)"
{ [ -n "$dump" ] && [ -f "$dump.meta.json" ]; } || die "no dump with its .meta.json in $cache (delete it to regenerate)"
dump_bytes="$(stat -c %s "$dump")"
log "dump: $dump ($dump_bytes bytes)"
[ "$prepare_only" = 0 ] || exit 0
# The user's server runs with the graph loaded (a restore replaces a database that exists).
if ! "$home/bin/neo4j" status >/dev/null 2>&1; then
  "$home/bin/neo4j-admin" database load neo4j --from-stdin --overwrite-destination=true <"$dump" >/dev/null 2>&1 \
    || die "could not load the dump into the bench Neo4j"
  "$home/bin/neo4j" start >/dev/null
fi
node "$here/query.mjs" >/dev/null || die "the bench Neo4j did not answer; see $home/logs"

mc mb "nbs/$bucket" >/dev/null
# Default encryption (SSE-S3) for the bucket: what nbs-upload asks for by default and checks.
mc encrypt set sse-s3 "nbs/$bucket" >/dev/null
node apps/upload-cli/dist/cli.js --file "$dump" --bucket "$bucket" --prefix bench \
  --endpoint "$BACKUP_S3_ENDPOINT" --allow-any-file --json >"$out/upload.json" 2>"$out/upload.log" \
  || die "nbs-upload failed; see $out/upload.log"
key="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).key)' "$out/upload.json")"
{ [ -n "$key" ] && [ "$key" != undefined ]; } || die "no key in $out/upload.json"
uri="s3://$bucket/$key"

{
  echo "command=bash bench/restore/run.sh --nodes $nodes --rels-per-node $rpn --runs $runs --modes $modes"
  echo "date=$stamp"
  echo "commit=$(git -C "$root" rev-parse --short HEAD)"
  echo "machine=$(uname -srm); $(nproc) cores; $(awk '/MemTotal/ { print int($2 / 1024) " MiB" }' /proc/meminfo); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "filesystem=$(df -T "$work" | awk 'NR == 2 { print $2 }')"
  echo "neo4j=${NEO4J_VERSION:-5.26.30} (the user's: heap 512m, page cache 256m)"
  echo "s3=MinIO (local, https); plain download with $("$NBS_MC" --version 2>/dev/null | head -n 1)"
  echo "graph=$nodes nodes, $((nodes * rpn)) relationships, 1 uniqueness constraint"
  echo "dump_bytes=$dump_bytes"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/env.txt"

printf 'run\tmode\ttotal_ms\tload1\n' >"$out/samples.tsv"
IFS=',' read -r -a mode_list <<<"$modes"
for ((r = 1; r <= runs; r++)); do
  for ((k = 0; k < ${#mode_list[@]}; k++)); do
    mode="${mode_list[$(((k + r - 1) % ${#mode_list[@]}))]}"
    sync
    sleep 2
    log "run $r: $mode"
    t0="$(ms)"
    case "$mode" in
      plain)
        d="$work/plain"
        rm -rf "$d" && mkdir -p "$d"
        a="$(ms)"
        mc cp "nbs/$bucket/$key" "$d/neo4j.dump" >/dev/null
        b="$(ms)"
        "$home/bin/neo4j" stop >/dev/null
        c="$(ms)"
        "$home/bin/neo4j-admin" database load neo4j --from-path="$d" --overwrite-destination=true \
          >"$out/plain-load-$r.log" 2>&1 || die "plain load failed; see $out/plain-load-$r.log"
        e="$(ms)"
        "$home/bin/neo4j" start >/dev/null
        f="$(ms)"
        node "$here/query.mjs" >"$out/plain-query-$r.json" || die "plain run $r: Neo4j did not answer"
        printf '{"download_ms":%s,"stop_ms":%s,"load_ms":%s,"start_cmd_ms":%s,"query":%s}\n' \
          "$((b - a))" "$((c - b))" "$((e - c))" "$((f - e))" "$(cat "$out/plain-query-$r.json")" \
          >"$out/plain-$r.json"
        rm -rf "$d"
        ;;
      restore)
        node apps/verify-cli/dist/cli.js restore --s3-uri "$uri" --endpoint "$BACKUP_S3_ENDPOINT" \
          --db neo4j --neo4j-home "$home" --neo4j-uri "$NEO4J_URI" --force --no-safety-copy \
          --work-dir "$work" --log-format json --json >"$out/restore-$r.json" 2>"$out/restore-$r.jsonl" \
          || die "nbs restore run $r failed; see $out/restore-$r.jsonl"
        ;;
      load)
        node apps/verify-cli/dist/cli.js --s3-uri "$uri" --endpoint "$BACKUP_S3_ENDPOINT" --mode load \
          --neo4j-home "$home" --work-dir "$work" --log-format json --json \
          >"$out/load-$r.json" 2>"$out/load-$r.jsonl" || die "nbs --mode load run $r failed; see $out/load-$r.jsonl"
        ;;
      *) die "unknown mode $mode" ;;
    esac
    t1="$(ms)"
    printf '%s\t%s\t%s\t%s\n' "$r" "$mode" "$((t1 - t0))" "$(cut -d' ' -f1 /proc/loadavg)" >>"$out/samples.tsv"
    log "run $r: $mode $((t1 - t0)) ms"
  done
done
echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/env.txt"
node "$here/report.mjs" "$out"
