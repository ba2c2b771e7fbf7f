#!/usr/bin/env bash
# nbs-verify --mode checksum side by side with `aws s3 cp s3://… - | sha256sum` and
# `mc cat … | openssl dgst -sha256`: the same object on the local MinIO, interleaved runs.
# NEVER part of the test suite.
#
#   bash bench/verify/run.sh [--size-mib N] [--runs N] [--tools nbs,aws,mc] [--out DIR]
#
#   --size-mib N   object size in MiB (default 1024)
#   --runs N       timed runs per tool, interleaved, order rotating (default 7)
#   --tools L      comma list of nbs, aws, mc (default all three); nbs:<name> adds an nbs-verify
#                  variant: the build in NBS_BENCH_NBS_CLI_<NAME> (default the checkout's) with the
#                  extra flags in NBS_BENCH_NBS_ARGS_<NAME>, e.g. nbs:base with
#                  NBS_BENCH_NBS_CLI_BASE=<a copy of an older apps/verify-cli/dist>/cli.js
#   --out DIR      where samples and the report go (default bench/results/verify-<utc time>)
#
# Environment: NBS_BENCH_TMP (parent of the temp dir, default ${TMPDIR:-/tmp}),
# NBS_BENCH_NBS_ARGS (extra nbs-verify flags for every nbs run),
# NBS_BENCH_NBS_DIR (the .nbs directory of running services, default <repo>/.nbs; a git worktree
# can use the main checkout's), NBS_BENCH_NBS_CLI (the nbs-verify to run, default apps/verify-cli/dist/cli.js; point it at
# another checkout's build to compare versions).
#
# Needs: the repo built (pnpm turbo run build), MinIO via `pnpm services up`, GNU time, openssl,
# sha256sum, and Debian's awscli (installed with apt-get when missing).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
size_mib=1024 runs=7 tools="nbs,aws,mc" out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mib) size_mib="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --tools) tools="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$size_mib" =~ ^[1-9][0-9]*$ && "$runs" =~ ^[1-9][0-9]*$ ]] \
  || { echo "bench: --size-mib and --runs must be positive integers" >&2; exit 2; }

log() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

# --- tools -------------------------------------------------------------------------------
cd "$root"
# shellcheck disable=SC1091
source tooling/bootstrap.sh
nbs_bootstrap
[ -x /usr/bin/time ] || die "GNU time is missing: apt-get install -y time"
if ! command -v openssl >/dev/null || ! command -v sha256sum >/dev/null; then die "openssl and sha256sum are needed"; fi
if [[ ",$tools," == *",aws,"* ]] && [ ! -x /usr/bin/aws ]; then
  log "installing Debian's awscli (apt-get)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli; } >&2 \
    || die "could not install awscli; install it with apt-get (needs root)"
fi
AWS=/usr/bin/aws # Debian's, not whatever else is first on PATH
nbs_cli="${NBS_BENCH_NBS_CLI:-apps/verify-cli/dist/cli.js}"
[ -f "$nbs_cli" ] || die "nbs-verify is not built ($nbs_cli): pnpm turbo run build"
[ -f apps/upload-cli/dist/cli.js ] || die "nbs-upload is not built: pnpm turbo run build"
[ -d bench/node_modules/@aws-sdk/client-s3 ] || pnpm install --filter @nbs/bench --frozen-lockfile >&2

# --- MinIO -------------------------------------------------------------------------------
nbs_dir="${NBS_BENCH_NBS_DIR:-$root/.nbs}"
minio_live() {
  [ -f "$nbs_dir/services.env" ] && (
    source "$nbs_dir/services.env"
    ca=(); if [ -n "${AWS_CA_BUNDLE:-}" ]; then ca=(--cacert "$AWS_CA_BUNDLE"); fi
    curl -fsS -o /dev/null "${ca[@]}" "$BACKUP_S3_ENDPOINT/minio/health/live"
  )
}
if ! minio_live; then
  [ -z "${NBS_BENCH_NBS_DIR:-}" ] || die "MinIO of $nbs_dir is not healthy"
  pnpm --silent services up >&2 || log "services up reported a failure; checking MinIO alone"
  minio_live || die "MinIO is not healthy; see pnpm services status"
fi
# shellcheck disable=SC1091
source "$nbs_dir/services.env"
if [ -n "${AWS_CA_BUNDLE:-}" ]; then export NODE_EXTRA_CA_CERTS="$AWS_CA_BUNDLE"; fi
minio_pid="$(cat "$nbs_dir/minio.pid")"
minio_cpu_cs() { awk '{print $14 + $15}' "/proc/$minio_pid/stat"; } # utime+stime in clock ticks
mc() { "$NBS_MC" --quiet "$@"; }

# --- temp dir, bucket, cleanup -----------------------------------------------------------
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="${out:-$root/bench/results/verify-$stamp}"
mkdir -p "$out"
tmp="$(mktemp -d "${NBS_BENCH_TMP:-${TMPDIR:-/tmp}}/nbs-bench-verify.XXXXXX")"
bucket="nbs-bench-verify-$(date -u +%s)-$RANDOM"
cleanup() {
  local rc=$?
  node bench/upload/s3.mjs purge-bucket "$bucket" 2>/dev/null || mc rb --force "nbs/$bucket" >/dev/null 2>&1 || true
  rm -rf "$tmp"
  [ "$rc" -eq 0 ] || log "failed (exit $rc); partial samples in $out"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need_gib=$((size_mib * 3 / 1024 + 2)) # the file, MinIO's copy, nbs-verify's download
avail_gib=$(($(df -Pk "$tmp" | awk 'NR==2{print $4}') / 1024 / 1024))
[ "$avail_gib" -ge "$need_gib" ] || die "need ~${need_gib} GiB free under $tmp, have ${avail_gib}"

mc mb "nbs/$bucket" >/dev/null
: >"$tmp/aws-config"
export AWS_CONFIG_FILE="$tmp/aws-config" AWS_SHARED_CREDENTIALS_FILE="$tmp/aws-config"
read -r -a nbs_extra <<<"${NBS_BENCH_NBS_ARGS:-}"

# --- the object: random bytes, committed by nbs-upload (sidecar with its sha256) -----------
file="$tmp/bench-20260101T000000Z.dump"
log "writing $size_mib MiB of random bytes and uploading them with nbs-upload"
head -c "$((size_mib * 1024 * 1024))" /dev/urandom >"$file"
expected="$(sha256sum "$file" | cut -d' ' -f1)"
node apps/upload-cli/dist/cli.js --file "$file" --bucket "$bucket" --prefix bench --sse AES256 \
  --endpoint "$BACKUP_S3_ENDPOINT" --allow-any-file --json --log-format json >"$tmp/upload.json" 2>"$tmp/upload.err" \
  || { tail -n 5 "$tmp/upload.err" >&2; die "nbs-upload failed"; }
key="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).key)' "$tmp/upload.json")"
rm -f "$file"
mkdir -p "$tmp/work"

# The command line of one tool reading the object and printing its sha256 (checked per run).
tool_cmd() { # tool_cmd <tool>
  local tool="$1" var cli="$nbs_cli" extra=()
  case "$tool" in
    nbs | nbs:*)
      if [[ "$tool" == nbs:* ]]; then
        var="$(tr '[:lower:]-' '[:upper:]_' <<<"${tool#nbs:}")"
        read -r -a extra <<<"$(printenv "NBS_BENCH_NBS_ARGS_$var" || true)"
        cli="$(printenv "NBS_BENCH_NBS_CLI_$var" || echo "$nbs_cli")"
      fi
      cmd=(node "$cli" --s3-uri "s3://$bucket/$key" --endpoint "$BACKUP_S3_ENDPOINT"
        --mode checksum --work-dir "$tmp/work" --json --log-format json "${nbs_extra[@]}" "${extra[@]}") ;;
    # A pipeline: GNU time reports the shell's children, CPU summed, peak RSS of the largest one.
    aws) cmd=(bash -c "set -o pipefail; '$AWS' --endpoint-url '$BACKUP_S3_ENDPOINT' s3 cp --only-show-errors --no-progress 's3://$bucket/$key' - | sha256sum") ;;
    mc) cmd=(bash -c "set -o pipefail; '$NBS_MC' --quiet cat 'nbs/$bucket/$key' | openssl dgst -sha256") ;;
    *) die "unknown tool $tool" ;;
  esac
}

# Every tool must print the object's sha256: nbs in its JSON report (outcome verified), the
# others on stdout.
check_digest() { # check_digest <tool> <stdout file>
  if [[ "$1" == nbs* ]]; then
    grep -Eq '"outcome": ?"verified"' "$2" || die "$1 did not report outcome verified: $(head -c 300 "$2")"
  fi
  grep -q "$expected" "$2" || die "$1 did not print the object's sha256 $expected"
}

samples="$out/samples.tsv"
printf 'tool\trun\twall_s\tuser_s\tsys_s\tmaxrss_kib\tminio_cpu_s\tsize\tother_cpu_s\tiowait_s\n' >"$samples"
cpu_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8, $6}' /proc/stat; }
size=$((size_mib * 1024 * 1024))

timed_run() { # timed_run <tool> <run>
  local tool="$1" run="$2" c0 c1 s0 s1
  tool_cmd "$tool"
  sync
  sleep 2
  c0="$(minio_cpu_cs)" s0="$(cpu_ticks)"
  /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "${cmd[@]}" >"$tmp/stdout" 2>"$tmp/stderr" \
    || { tail -n 5 "$tmp/stderr" >&2; die "$tool failed in run $run"; }
  c1="$(minio_cpu_cs)" s1="$(cpu_ticks)"
  check_digest "$tool" "$tmp/stdout"
  read -r wall user sys rss <"$tmp/time"
  read -r other iowait < <(awk -v a="$s0" -v b="$s1" -v c0="$c0" -v c1="$c1" -v u="$user" -v s="$sys" 'BEGIN{
    split(a, x, " "); split(b, y, " ");
    printf "%.2f %.2f\n", (y[1]-x[1])/100 - (c1-c0)/100 - u - s, (y[2]-x[2])/100 }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$run" "$wall" "$user" "$sys" "$rss" \
    "$(awk -v a="$c0" -v b="$c1" 'BEGIN{printf "%.2f", (b-a)/100}')" "$size" "$other" "$iowait" >>"$samples"
  log "$tool run $run: ${wall}s wall, $(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}')s cpu, $((rss / 1024)) MiB peak RSS"
}

loadavg_start="$(cut -d' ' -f1-3 /proc/loadavg)"
IFS=, read -r -a all_tools <<<"$tools"
log "warm-up: each tool reads the object once (untimed; also proves the setup works)"
for t in "${all_tools[@]}"; do
  tool_cmd "$t"
  "${cmd[@]}" >"$tmp/stdout" 2>"$tmp/stderr" || { tail -n 5 "$tmp/stderr" >&2; die "$t failed its warm-up"; }
  check_digest "$t" "$tmp/stdout"
done

n=${#all_tools[@]}
for ((r = 1; r <= runs; r++)); do
  for ((i = 0; i < n; i++)); do timed_run "${all_tools[$(((i + r - 1) % n))]}" "$r"; done
done

{
  echo "date_utc=$stamp"
  echo "command=bash bench/verify/run.sh --size-mib $size_mib --runs $runs --tools $tools"
  echo "nbs_args=${NBS_BENCH_NBS_ARGS:-}"
  echo "nbs_cli=$nbs_cli"
  echo "nproc=$(nproc)"
  echo "mem_total=$(awk '/MemTotal/{printf "%.1f GiB", $2/1024/1024}' /proc/meminfo)"
  echo "cpu=$(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"
  echo "kernel=$(uname -r)"
  echo "os=$(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "node=$(node --version)"
  echo "nbs=$(node "$nbs_cli" --version)"
  echo "git=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- packages apps || echo '+dirty')"
  if [ -x "$AWS" ]; then echo "aws=$($AWS --version 2>&1)"; fi
  echo "mc=$("$NBS_MC" --version 2>/dev/null | head -n 1)"
  echo "openssl=$(openssl version)"
  echo "minio=$(grep -m1 '^MINIO_PIN=' tooling/services/minio.sh | cut -d'"' -f2) (github.com/minio/minio, tooling/services/minio.sh)"
  echo "endpoint=$BACKUP_S3_ENDPOINT"
  echo "loadavg_start=$loadavg_start"
  echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/env.txt"
node bench/verify/report.mjs "$out" | tee "$out/report.md"
log "samples, env and report in $out"
