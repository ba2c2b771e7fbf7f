#!/usr/bin/env bash
# Downtime and total time of a backup to S3 of a Neo4j with a store of more than 1 GiB:
# `nbs-upload dump --to-s3` (dump mode), the same with `--snapshot auto` (snapshot mode), and the
# plain pipeline a user would write (`neo4j stop; neo4j-admin database dump --to-stdout | mc pipe
# s3://…; neo4j start`; mc, as aws-cli is not installed here). Interleaved runs, order rotating.
# NEVER part of the test suite.
#
#   bash bench/downtime/run.sh [--nodes N] [--runs N] [--modes dump,snapshot,plain] [--out DIR] [--xfs] [--cold]
#
#   --nodes N    graph size: N nodes and N relationships (default 4500000: a store of > 1 GiB)
#   --runs N     timed runs per mode, interleaved (default 3)
#   --modes L    comma list of dump, snapshot, plain (default all three)
#   --out DIR    samples and report (default bench/results/downtime-<utc time>)
#   --xfs        put the bench's Neo4j (store and snapshot directory) on a loop-mounted XFS image
#                made with reflink=1, so that `--snapshot auto` clones instead of copying (needs
#                root; installs xfsprogs with apt-get when mkfs.xfs is missing)
#   --cold       skip bench/downtime/warm.mjs: by default, after each start and before the next
#                run, the server is brought to the state of one in service (the read queries
#                monitoring sends, their plans compiled); with --cold each run meets a server
#                started seconds earlier, whose first queries (nbs's online counting) plan slowly
#
# Downtime is measured the same way for every mode by bench/downtime/probe.mjs (Bolt `RETURN 1`
# every 100 ms: from the last answer before the stop to the first answer after the start); nbs's
# own figure (`downtime_ms` of its result) is recorded beside it. Total time is the command's wall
# time; "until back" also waits for Bolt to answer (the plain pipeline's `neo4j start` returns
# before the server answers). The generated store is cached under ~/.cache/nbs/bench-downtime.
#
# Environment: NBS_BENCH_TMP (parent of the temp dir, default ${TMPDIR:-/tmp}),
# NBS_BENCH_NBS_DIR (the .nbs directory of running services, default <repo>/.nbs).
# Needs: the repo built, MinIO via `pnpm services up minio`, the cached Neo4j 5.26 install.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
nodes=4500000 runs=3 modes="dump,snapshot,plain" out="" xfs=0 warm=1
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --modes) modes="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --xfs) xfs=1; shift ;;
    --cold) warm=0; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$nodes" =~ ^[1-9][0-9]*$ && "$runs" =~ ^[1-9][0-9]*$ ]] \
  || { echo "bench: --nodes and --runs must be positive integers" >&2; exit 2; }

log() { echo "bench: $(date -u +%H:%M:%S) $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }
ms() { date +%s%3N; }

cd "$root"
# shellcheck disable=SC1091
source tooling/bootstrap.sh
nbs_bootstrap
[ -f apps/upload-cli/dist/cli.js ] || die "nbs-upload is not built: pnpm turbo run build"
nbs_dir="${NBS_BENCH_NBS_DIR:-$root/.nbs}"
[ -f "$nbs_dir/services.env" ] || die "no $nbs_dir/services.env: pnpm services up minio"
# shellcheck disable=SC1091
source "$nbs_dir/services.env"
if [ -n "${AWS_CA_BUNDLE:-}" ]; then export NODE_EXTRA_CA_CERTS="$AWS_CA_BUNDLE"; fi
mc() { "$NBS_MC" --quiet "$@"; }
install="${XDG_CACHE_HOME:-$HOME/.cache}/nbs/neo4j/${NEO4J_VERSION:-5.26.30}"
[ -x "$install/bin/neo4j-admin" ] || die "no Neo4j install at $install: pnpm services up neo4j"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="${out:-$root/bench/results/downtime-$stamp}"
mkdir -p "$out"
xfs_image="" xfs_mount=""
if [ "$xfs" = 1 ]; then
  [ "$(id -u)" = 0 ] || die "--xfs needs root (losetup, mount)"
  if ! command -v mkfs.xfs >/dev/null; then
    log "installing xfsprogs (mkfs.xfs)"
    apt-get install -y xfsprogs >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y xfsprogs >/dev/null; } \
      || die "cannot install xfsprogs"
  fi
  xfs_image="$(mktemp "${NBS_BENCH_TMP:-${TMPDIR:-/tmp}}/nbs-bench-xfs-XXXXXX.img")"
  xfs_mount="$(mktemp -d "${NBS_BENCH_TMP:-${TMPDIR:-/tmp}}/nbs-bench-xfs-XXXXXX")"
  # Sparse: the store, a copy's worth of room for runs that copy, the import's CSV and the logs
  # (about 260 bytes of store and 150 of CSV per node with its relationship): 6 GiB, or more for
  # a larger graph.
  image_bytes=$((nodes * 1000))
  [ "$image_bytes" -ge $((6 * 1024 * 1024 * 1024)) ] || image_bytes=$((6 * 1024 * 1024 * 1024))
  truncate -s "$image_bytes" "$xfs_image"
  mkfs.xfs -q -m reflink=1 "$xfs_image"
  mount -o loop "$xfs_image" "$xfs_mount"
fi
work="$(mktemp -d "${xfs_mount:-${NBS_BENCH_TMP:-${TMPDIR:-/tmp}}}/nbs-bench-downtime-XXXXXX")"
home="$work/home"
bucket="nbs-bench-downtime-$(date +%s)-$RANDOM"
cleanup() {
  NEO4J_HOME="$home" "$home/bin/neo4j" stop >/dev/null 2>&1 || true
  mc rb --force "nbs/$bucket" >/dev/null 2>&1 || true
  rm -rf "$work"
  if [ -n "$xfs_mount" ]; then
    umount "$xfs_mount" || umount -l "$xfs_mount" || true
    rmdir "$xfs_mount" || true
  fi
  [ -z "$xfs_image" ] || rm -f "$xfs_image"
}
trap cleanup EXIT

# --- a Neo4j of its own ------------------------------------------------------------------
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
mkdir -p "$home"/{conf,data,logs,run,import,plugins} "$work/staging"
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

cache="${XDG_CACHE_HOME:-$HOME/.cache}/nbs/bench-downtime/graph-$nodes"
if [ ! -f "$cache/.complete" ]; then
  log "generating $nodes nodes and relationships (CSV), importing, caching in $cache"
  bash "$here/gen.sh" "$nodes" "$work/csv"
  "$home/bin/neo4j-admin" database import full neo4j --overwrite-destination=true \
    --nodes="$work/csv/nodes.csv" --relationships="$work/csv/rels.csv" \
    --report-file="$out/import.report" >"$out/import.log" 2>&1 \
    || die "import failed; see $out/import.log"
  rm -rf "$work/csv" "$cache"
  mkdir -p "$cache/databases" "$cache/transactions"
  cp -a --reflink=auto "$home/data/databases/neo4j" "$cache/databases/"
  cp -a --reflink=auto "$home/data/transactions/neo4j" "$cache/transactions/"
  touch "$cache/.complete"
else
  log "using the cached store $cache"
  mkdir -p "$home/data/databases" "$home/data/transactions"
  cp -a --reflink=auto "$cache/databases/neo4j" "$home/data/databases/"
  cp -a --reflink=auto "$cache/transactions/neo4j" "$home/data/transactions/"
fi
store_bytes="$(du -sb "$home/data/databases/neo4j" "$home/data/transactions/neo4j" | awk '{ s += $1 } END { print s }')"
log "store: $store_bytes bytes"
"$home/bin/neo4j" start >/dev/null
node "$here/probe.mjs" --wait || die "the bench Neo4j did not answer; see $home/logs"
[ "$warm" = 0 ] || node "$here/warm.mjs" || die "the warm-up queries failed"
mc mb "nbs/$bucket" >/dev/null
# Default encryption (SSE-S3) for the bucket: nbs asks for the bucket's default and checks that it
# was applied; mc's uploads get the same encryption, so every mode stores the same thing.
mc encrypt set sse-s3 "nbs/$bucket" >/dev/null

{
  echo "command=bash bench/downtime/run.sh --nodes $nodes --runs $runs --modes $modes$([ "$xfs" = 0 ] || echo " --xfs")$([ "$warm" = 1 ] || echo " --cold")"
  echo "date=$stamp"
  echo "commit=$(git -C "$root" rev-parse --short HEAD)"
  echo "machine=$(uname -srm); $(nproc) cores; $(awk '/MemTotal/ { print int($2 / 1024) " MiB" }' /proc/meminfo); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "filesystem=$(df -T "$work" | awk 'NR == 2 { print $2 }')$([ "$xfs" = 0 ] || echo " (loop image, reflink=1)")"
  echo "neo4j=${NEO4J_VERSION:-5.26.30}"
  echo "s3=MinIO (local, https); plain pipeline uploads with mc pipe ($("$NBS_MC" --version 2>/dev/null | head -n 1)), aws-cli not installed"
  echo "store_bytes=$store_bytes"
  echo "server=$([ "$warm" = 1 ] && echo "warm (bench/downtime/warm.mjs after each start)" || echo "cold (--cold: each run meets a server started seconds earlier)")"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/env.txt"

printf 'run\tmode\ttotal_ms\tuntil_back_ms\tprobe_downtime_ms\tnbs_downtime_ms\tload1\n' >"$out/samples.tsv"
IFS=',' read -r -a mode_list <<<"$modes"
for ((r = 1; r <= runs; r++)); do
  for ((k = 0; k < ${#mode_list[@]}; k++)); do
    mode="${mode_list[$(((k + r - 1) % ${#mode_list[@]}))]}"
    sync
    sleep 2
    node "$here/probe.mjs" >"$out/probe-$mode-$r.json" &
    probe_pid=$!
    sleep 1
    log "run $r: $mode"
    t0="$(ms)"
    case "$mode" in
      dump | snapshot)
        extra=()
        [ "$mode" = dump ] || extra=(--snapshot auto --snapshot-dir "$work/staging")
        node apps/upload-cli/dist/cli.js dump --to-s3 --bucket "$bucket" --prefix "bench/$mode-$r" \
          --endpoint "$BACKUP_S3_ENDPOINT" --db neo4j --json --verbose --state-dir "$work/state" "${extra[@]}" \
          >"$out/result-$mode-$r.json" 2>"$out/log-$mode-$r.jsonl" || die "nbs $mode run $r failed; see $out/log-$mode-$r.jsonl"
        ;;
      plain)
        # Each step's end time (ms) is written to steps-plain-N.txt for the breakdown.
        bash -c 'set -euo pipefail
          t() { echo "$1 $(date +%s%3N)" >>"$3"; }
          t begin "" "$3"
          "$NEO4J_HOME/bin/neo4j" stop
          t stop "" "$3"
          "$NEO4J_HOME/bin/neo4j-admin" database dump neo4j --to-stdout | "$NBS_MC" --quiet pipe "nbs/$1/bench/plain-$2/neo4j.dump"
          t dump "" "$3"
          "$NEO4J_HOME/bin/neo4j" start
          t start "" "$3"' _ "$bucket" "$r" "$out/steps-plain-$r.txt" >"$out/log-plain-$r.txt" 2>&1 \
          || die "plain run $r failed; see $out/log-plain-$r.txt"
        ;;
      *) die "unknown mode $mode" ;;
    esac
    t1="$(ms)"
    node "$here/probe.mjs" --wait || die "Neo4j did not answer after $mode run $r"
    t2="$(ms)"
    [ "$warm" = 0 ] || node "$here/warm.mjs" || die "the warm-up queries failed after $mode run $r"
    sleep 1
    kill -TERM "$probe_pid"
    wait "$probe_pid" || true
    probe_down="$(node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(j.downtime_ms ?? "")' "$out/probe-$mode-$r.json")"
    nbs_down=""
    if [ "$mode" != plain ]; then
      nbs_down="$(node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(j.downtime_ms ?? "")' "$out/result-$mode-$r.json")"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$mode" "$((t1 - t0))" "$((t2 - t0))" "$probe_down" "$nbs_down" \
      "$(cut -d' ' -f1 /proc/loadavg)" >>"$out/samples.tsv"
    log "run $r: $mode total $((t1 - t0)) ms, down ${probe_down:-?} ms (nbs: ${nbs_down:--})"
  done
done
echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/env.txt"
node "$here/report.mjs" "$out"
