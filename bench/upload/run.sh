#!/usr/bin/env bash
# nbs-upload side by side with `aws s3 cp`, `rclone copyto` and @aws-sdk/lib-storage `Upload`
# (defaults), on the local MinIO and the same random file. NEVER part of the test suite.
#
#   bash bench/upload/run.sh [--size-mib N] [--runs N] [--growth-runs N] [--no-growth]
#                            [--tools nbs,mc,aws,rclone,sdk] [--sse s3|kms|none] [--no-read-check]
#                            [--out DIR]
#
#   --size-mib N      file size in MiB (default 1024)
#   --runs N          timed runs per tool at that size, interleaved (default 7)
#   --growth-runs N   runs per tool with a file 5x larger, for the memory-growth check (default 2)
#   --growth-tools L  tools in the 5x phase (default nbs,sdk; the issue asks for these two)
#   --no-growth       skip the 5x phase
#   --tools L         comma list of nbs, mc, aws, rclone, sdk (default all five); nbs:<part>:<conc>
#                     adds nbs-upload with --part-size <part> --concurrency <conc>, e.g. nbs:16MiB:4;
#                     nbs:<part>:<conc>:<algo> also passes --part-checksum <algo>, e.g. nbs:16MiB:2:CRC32;
#                     mc is MinIO's own client (`mc cp --enc-s3`), the practical limit of what the
#                     server allows (a Go client that hashes nothing itself)
#   --sse MODE        server-side encryption every tool requests: s3 (SSE-S3, default), kms
#                     (SSE-KMS with the services' key) or none (peers without SSE; nbs always
#                     encrypts and keeps SSE-S3)
#   --no-read-check   skip the strace pass that counts the bytes each tool reads from the file
#   --out DIR         where samples and the report go (default bench/results/<utc time>)
#
# Environment: NBS_BENCH_TMP (parent of the temp dir, default ${TMPDIR:-/tmp}),
# NBS_BENCH_NBS_ARGS (extra nbs-upload flags, e.g. "--part-size 16MiB --concurrency 4"),
#
# Needs: the repo built (pnpm turbo run build), MinIO via `pnpm services up`, GNU time, strace,
# and Debian's awscli + rclone (installed with apt-get when missing).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
size_mib=1024 runs=7 growth_runs=2 growth=1 read_check=1
tools="nbs,mc,aws,rclone,sdk" growth_tools="nbs,sdk" out="" sse=s3
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mib) size_mib="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --growth-runs) growth_runs="$2"; shift 2 ;;
    --growth-tools) growth_tools="$2"; shift 2 ;;
    --no-growth) growth=0; shift ;;
    --tools) tools="$2"; shift 2 ;;
    --sse) sse="$2"; shift 2 ;;
    --no-read-check) read_check=0; shift ;;
    --out) out="$2"; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$size_mib" =~ ^[1-9][0-9]*$ && "$runs" =~ ^[1-9][0-9]*$ && "$growth_runs" =~ ^[0-9]+$ ]] \
  || { echo "bench: --size-mib and --runs must be positive integers" >&2; exit 2; }
[[ "$sse" =~ ^(s3|kms|none)$ ]] || { echo "bench: --sse takes s3, kms or none" >&2; exit 2; }

log() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

# --- tools -------------------------------------------------------------------------------
cd "$root"
# shellcheck disable=SC1091
source tooling/bootstrap.sh
nbs_bootstrap
[ -x /usr/bin/time ] || die "GNU time is missing: apt-get install -y time"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
needs() { [[ ",$tools,$growth_tools," == *",$1,"* ]]; } # needs <tool>: is it in a run?
if { needs aws && [ ! -x /usr/bin/aws ]; } || { needs rclone && [ ! -x /usr/bin/rclone ]; } ||
  { [ "$read_check" = 1 ] && ! command -v strace >/dev/null; }; then
  log "installing Debian's awscli, rclone and strace (apt-get)"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli rclone strace; } >&2; then
    die "could not install awscli/rclone/strace; install them with apt-get (needs root)"
  fi
fi
AWS=/usr/bin/aws RCLONE=/usr/bin/rclone # Debian's, not whatever else is first on PATH
[ -f apps/upload-cli/dist/cli.js ] || die "nbs-upload is not built: pnpm turbo run build"
[ -d bench/node_modules/@aws-sdk/lib-storage ] || pnpm install --filter @nbs/bench --frozen-lockfile >&2

# --- MinIO -------------------------------------------------------------------------------
# The local MinIO serves https with a private CA, AWS_CA_BUNDLE in services.env.
minio_live() {
  [ -f .nbs/services.env ] && (
    source .nbs/services.env
    ca=(); if [ -n "${AWS_CA_BUNDLE:-}" ]; then ca=(--cacert "$AWS_CA_BUNDLE"); fi
    curl -fsS -o /dev/null "${ca[@]}" "$BACKUP_S3_ENDPOINT/minio/health/live"
  )
}
if ! minio_live; then # `services up` starts MinIO and Neo4j; an idle Neo4j only adds a little noise
  pnpm --silent services up >&2 || log "services up reported a failure; checking MinIO alone"
  minio_live || die "MinIO is not healthy; see pnpm services status"
fi
# shellcheck disable=SC1091
source .nbs/services.env
# Trust for the MinIO CA: aws-cli reads AWS_CA_BUNDLE itself, the Node scripts (nbs, sdk,
# s3.mjs) also get it as NODE_EXTRA_CA_CERTS, rclone as --ca-cert (see tool_cmd).
if [ -n "${AWS_CA_BUNDLE:-}" ]; then export NODE_EXTRA_CA_CERTS="$AWS_CA_BUNDLE"; fi
minio_pid="$(cat .nbs/minio.pid)"
minio_cpu_cs() { awk '{print $14 + $15}' "/proc/$minio_pid/stat"; } # utime+stime in clock ticks
mc() { "$NBS_MC" --quiet "$@"; }

# --- temp dir, bucket, cleanup -----------------------------------------------------------
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="${out:-$root/bench/results/$stamp}"
mkdir -p "$out"
tmp="$(mktemp -d "${NBS_BENCH_TMP:-${TMPDIR:-/tmp}}/nbs-bench.XXXXXX")"
bucket="nbs-bench-$(date -u +%s)-$RANDOM"
cleanup() {
  local rc=$?
  node bench/upload/s3.mjs purge-bucket "$bucket" 2>/dev/null || mc rb --force "nbs/$bucket" >/dev/null 2>&1 || true
  rm -rf "$tmp"
  [ "$rc" -eq 0 ] || log "failed (exit $rc); partial samples in $out"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need_gib=$((size_mib * (growth ? 11 : 2) / 1024 + 2)) # files + the object MinIO holds
avail_gib=$(($(df -Pk "$tmp" | awk 'NR==2{print $4}') / 1024 / 1024))
[ "$avail_gib" -ge "$need_gib" ] || die "need ~${need_gib} GiB free under $tmp (files + MinIO copy), have ${avail_gib}"

mc mb "nbs/$bucket" >/dev/null
# Empty AWS config files: every tool uses its own defaults and the AWS_* credentials only.
: >"$tmp/aws-config"
: >"$tmp/rclone.conf"
export AWS_CONFIG_FILE="$tmp/aws-config" AWS_SHARED_CREDENTIALS_FILE="$tmp/aws-config"
read -r -a nbs_extra <<<"${NBS_BENCH_NBS_ARGS:-}"

make_file() { # make_file <path> <MiB>: random bytes, so nothing compresses or dedupes
  log "writing $2 MiB of random bytes to $1"
  head -c "$(($2 * 1024 * 1024))" /dev/urandom >"$1"
}

# The command line of one tool uploading <file> to <prefix>/ in the bench bucket.
tool_cmd() { # tool_cmd <tool> <file> <prefix>
  local tool="$1" file="$2" prefix="$3" name
  name="$(basename "$file")"
  case "$tool" in
    nbs | nbs:*) cmd=(node apps/upload-cli/dist/cli.js --file "$file" --bucket "$bucket" --prefix "$prefix"
      --endpoint "$BACKUP_S3_ENDPOINT" --allow-any-file --json --log-format json "${nbs_extra[@]}")
      # as before nbs-upload's default became the bucket's encryption (the bench bucket has none)
      if [ "$sse" = kms ]; then cmd+=(--kms-key "$NBS_KMS_KEY_ID"); else cmd+=(--sse AES256); fi
      # nbs:<part size>:<concurrency>[:<part checksum>], e.g. nbs:16MiB:4 or nbs:16MiB:2:CRC32,
      # is nbs-upload with those flags
      if [[ "$tool" == nbs:* ]]; then
        IFS=: read -r _ part conc algo <<<"$tool"
        cmd+=(--part-size "$part" --concurrency "$conc")
        if [ -n "$algo" ]; then cmd+=(--part-checksum "$algo"); fi
      fi ;;
    mc) cmd=("$NBS_MC" --quiet cp)
      case "$sse" in
        s3) cmd+=(--enc-s3 "nbs/$bucket") ;;
        kms) cmd+=(--enc-kms "nbs/$bucket=$NBS_KMS_KEY_ID") ;;
      esac
      cmd+=("$file" "nbs/$bucket/$prefix/$name") ;;
    aws) cmd=("$AWS" --endpoint-url "$BACKUP_S3_ENDPOINT" s3 cp --only-show-errors --no-progress)
      case "$sse" in
        s3) cmd+=(--sse AES256) ;;
        kms) cmd+=(--sse aws:kms --sse-kms-key-id "$NBS_KMS_KEY_ID") ;;
      esac
      cmd+=("$file" "s3://$bucket/$prefix/$name") ;;
    # Env-based remote; AWS_CA_BUNDLE is unset because rclone refuses it with its own transport
    # ("unable to load custom CA bundle"); the same CA goes in through --ca-cert instead.
    rclone) cmd=(env -u AWS_CA_BUNDLE RCLONE_CONFIG="$tmp/rclone.conf" RCLONE_CONFIG_NBSBENCH_TYPE=s3
      RCLONE_CONFIG_NBSBENCH_PROVIDER=Minio RCLONE_CONFIG_NBSBENCH_ENV_AUTH=true
      RCLONE_CONFIG_NBSBENCH_REGION="$AWS_REGION" RCLONE_CONFIG_NBSBENCH_ENDPOINT="$BACKUP_S3_ENDPOINT")
      case "$sse" in
        s3) cmd+=(RCLONE_CONFIG_NBSBENCH_SERVER_SIDE_ENCRYPTION=AES256) ;;
        kms) cmd+=(RCLONE_CONFIG_NBSBENCH_SERVER_SIDE_ENCRYPTION=aws:kms RCLONE_CONFIG_NBSBENCH_SSE_KMS_KEY_ID="$NBS_KMS_KEY_ID") ;;
      esac
      cmd+=("$RCLONE" copyto -q)
      if [ -n "${AWS_CA_BUNDLE:-}" ]; then cmd+=(--ca-cert "$AWS_CA_BUNDLE"); fi
      cmd+=("$file" "nbsbench:$bucket/$prefix/$name") ;;
    sdk) cmd=(node bench/upload/sdk-upload.mjs "$file" "$bucket" "$prefix/$name")
      case "$sse" in
        s3) cmd+=(--sse) ;;
        kms) cmd+=(--sse-kms "$NBS_KMS_KEY_ID") ;;
      esac ;;
    *) die "unknown tool $tool" ;;
  esac
}

# Check that the tool really stored the whole file, then purge it so every run starts alike.
check_and_clear() { # check_and_clear <tool> <file> <prefix>
  node bench/upload/s3.mjs check-and-purge "$bucket" "$3" "$(stat -c %s "$2")" || die "$1 did not store the whole file"
}

samples="$out/samples.tsv"
printf 'phase\ttool\trun\twall_s\tuser_s\tsys_s\tmaxrss_kib\tminio_cpu_s\tsize\tother_cpu_s\tiowait_s\tsteal_s\n' >"$samples"
# busy (user+nice+system+irq+softirq), iowait and steal ticks of the whole machine, from /proc/stat
cpu_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8, $6, $9}' /proc/stat; }

timed_run() { # timed_run <phase> <tool> <run> <file>
  local phase="$1" tool="$2" run="$3" file="$4" prefix c0 c1 s0 s1 size
  prefix="$1-${2//:/-}-$3"
  tool_cmd "$tool" "$file" "$prefix"
  size="$(stat -c %s "$file")"
  # Same start for everyone: the file in the page cache (this VM's DAMON pages out what has been
  # idle for a minute), the previous run's writes on disk, MinIO's purge of them finished.
  cat "$file" >/dev/null
  sync
  sleep 2
  c0="$(minio_cpu_cs)" s0="$(cpu_ticks)"
  /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "${cmd[@]}" >"$tmp/stdout" 2>"$tmp/stderr" \
    || { tail -n 5 "$tmp/stderr" >&2; die "$tool failed in run $run ($phase)"; }
  c1="$(minio_cpu_cs)" s1="$(cpu_ticks)"
  if [[ "$tool" == nbs* ]]; then
    grep -Eq '"outcome": ?"uploaded"' "$tmp/stdout" || die "nbs did not report outcome uploaded: $(head -c 300 "$tmp/stdout")"
  fi
  read -r wall user sys rss <"$tmp/time"
  # other_cpu_s: CPU used by anything but the tool and MinIO meanwhile (noise from the machine);
  # iowait_s and steal_s: idle-waiting-on-disk and hypervisor steal, summed over both CPUs.
  read -r other iowait steal < <(awk -v a="$s0" -v b="$s1" -v c0="$c0" -v c1="$c1" -v u="$user" -v s="$sys" 'BEGIN{
    split(a, x, " "); split(b, y, " ");
    printf "%.2f %.2f %.2f\n", (y[1]-x[1])/100 - (c1-c0)/100 - u - s, (y[2]-x[2])/100, (y[3]-x[3])/100 }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$phase" "$tool" "$run" "$wall" "$user" "$sys" "$rss" \
    "$(awk -v a="$c0" -v b="$c1" 'BEGIN{printf "%.2f", (b-a)/100}')" "$size" "$other" "$iowait" "$steal" >>"$samples"
  log "$phase $tool run $run: ${wall}s wall, $(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}')s cpu, $((rss / 1024)) MiB peak RSS"
  check_and_clear "$tool" "$file" "$prefix"
}

# Interleave: every round runs each tool once, and the order rotates from round to round.
phase_runs() { # phase_runs <phase> <file> <runs> <tool,list>
  local -a list
  IFS=, read -r -a list <<<"$4"
  local n=${#list[@]} r i
  for ((r = 1; r <= $3; r++)); do
    for ((i = 0; i < n; i++)); do timed_run "$1" "${list[$(((i + r - 1) % n))]}" "$r" "$2"; done
  done
}

# --- the runs ----------------------------------------------------------------------------
file="$tmp/bench-20260101T000000Z.dump"
make_file "$file" "$size_mib"

log "warm-up: each tool uploads a 64 MiB file once (untimed; also proves the setup works)"
make_file "$tmp/warm-20260101T000000Z.dump" 64
IFS=, read -r -a all_tools <<<"$tools"
for t in "${all_tools[@]}"; do
  tool_cmd "$t" "$tmp/warm-20260101T000000Z.dump" "warm-${t//:/-}"
  "${cmd[@]}" >"$tmp/stdout" 2>"$tmp/stderr" || { tail -n 5 "$tmp/stderr" >&2; die "$t failed its warm-up"; }
  check_and_clear "$t" "$tmp/warm-20260101T000000Z.dump" "warm-${t//:/-}"
done
rm -f "$tmp/warm-20260101T000000Z.dump"

phase_runs 1x "$file" "$runs" "$tools"

if [ "$read_check" = 1 ]; then
  # One extra run per tool under strace: sum what read-family syscalls returned for file
  # descriptors that point at the file (-y resolves fds to paths; -ff keeps threads apart).
  log "read check: one strace run per tool"
  for t in "${all_tools[@]}"; do
    tool_cmd "$t" "$file" "read-${t//:/-}"
    mkdir -p "$tmp/strace-$t"
    strace -f -ff -qq -y -e trace=read,pread64,readv,preadv,preadv2 -o "$tmp/strace-$t/t" "${cmd[@]}" \
      >"$tmp/stdout" 2>"$tmp/stderr" || { tail -n 5 "$tmp/stderr" >&2; die "$t failed under strace"; }
    node bench/upload/report.mjs count-reads "$tmp/strace-$t" "$file" "$t" >>"$out/reads.tsv"
    rm -rf "$tmp/strace-$t"
    check_and_clear "$t" "$file" "read-${t//:/-}"
  done
fi

if [ "$growth" = 1 ] && [ "$growth_runs" -gt 0 ]; then
  rm -f "$file"
  big="$tmp/bench5x-20260101T000000Z.dump"
  make_file "$big" $((size_mib * 5))
  phase_runs 5x "$big" "$growth_runs" "$growth_tools"
  rm -f "$big"
fi

# --- versions, machine, report -----------------------------------------------------------
{
  echo "date_utc=$stamp"
  echo "command=bash bench/upload/run.sh --size-mib $size_mib --runs $runs --growth-runs $growth_runs --growth-tools $growth_tools --tools $tools --sse $sse$([ "$growth" = 1 ] || echo ' --no-growth')"
  echo "nbs_args=${NBS_BENCH_NBS_ARGS:-}"
  echo "sse=$sse"
  echo "nproc=$(nproc)"
  echo "mem_total=$(awk '/MemTotal/{printf "%.1f GiB", $2/1024/1024}' /proc/meminfo)"
  echo "cpu=$(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"
  echo "kernel=$(uname -r)"
  echo "os=$(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "node=$(node --version)"
  echo "nbs=$(node apps/upload-cli/dist/cli.js --version)"
  if needs aws; then echo "aws=$($AWS --version 2>&1)"; fi
  if needs rclone; then echo "rclone=$($RCLONE version 2>/dev/null | head -n 1)"; fi
  if needs mc; then echo "mc=$("$NBS_MC" --version 2>/dev/null | head -n 1)"; fi
  echo "lib_storage=$(node -p 'require("./bench/node_modules/@aws-sdk/lib-storage/package.json").version')"
  echo "client_s3=$(node -p 'require("./bench/node_modules/@aws-sdk/client-s3/package.json").version')"
  echo "minio=$(grep -m1 '^MINIO_PIN=' tooling/services/minio.sh | cut -d'"' -f2) (github.com/minio/minio, tooling/services/minio.sh)"
  echo "disk=$(df -P "$tmp" | awk 'NR==2{print $1}') (file and MinIO data)"
  echo "git=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- packages apps || echo '+dirty')"
  echo "load_before=$load_before"
  echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/env.txt"
node bench/upload/report.mjs report "$out" | tee "$out/report.md"
log "samples, reads, env and report in $out"
