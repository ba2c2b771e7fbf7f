#!/usr/bin/env bash
# Resumable multipart, measured: nbs-upload is SIGKILLed when its progress passes --kill-at
# percent, then the same command runs again; the re-run's own progress events say how many
# bytes it sent and how many it reused from the interrupted upload. Not a test: run by hand.
#   bash bench/upload/resume.sh [--size-mib N] [--kill-at P] [--part-size S] [--concurrency N]
#   --size-mib N      file size in MiB (default 2048)
#   --kill-at P       SIGKILL at the first progress event at or above P percent (default 60)
#   --part-size S     nbs-upload --part-size (default 16MiB, nbs's default)
#   --concurrency N   nbs-upload --concurrency (default 2, nbs's default)
# Prints one JSON line: sizes, the re-run's bytes_sent / bytes_reused and their ratio to the file.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
size_mib=2048 kill_at=60 part=16MiB conc=2
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mib) size_mib="$2"; shift 2 ;;
    --kill-at) kill_at="$2"; shift 2 ;;
    --part-size) part="$2"; shift 2 ;;
    --concurrency) conc="$2"; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "resume bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -f .nbs/services.env ] || pnpm --silent services up >&2
# shellcheck disable=SC1091
source .nbs/services.env
[ -z "${AWS_CA_BUNDLE:-}" ] || export NODE_EXTRA_CA_CERTS="$AWS_CA_BUNDLE"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/nbs-resume.XXXXXX")"
bucket="nbs-resume-$(date -u +%s)-$RANDOM"
trap '"$NBS_MC" --quiet rb --force "nbs/$bucket" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
"$NBS_MC" --quiet mb "nbs/$bucket" >/dev/null
file="$tmp/neo4j-20261124T101500Z.dump"
head -c "$((size_mib * 1024 * 1024))" /dev/urandom >"$file"
cmd=(node apps/upload-cli/dist/cli.js --file "$file" --bucket "$bucket" --prefix resume
  --endpoint "$BACKUP_S3_ENDPOINT" --allow-any-file --json --log-format json
  --part-size "$part" --concurrency "$conc")

# First run: killed as soon as a progress event reports >= kill_at percent.
"${cmd[@]}" >"$tmp/first.out" 2>"$tmp/first.err" &
pid=$!
killed_at=""
while kill -0 "$pid" 2>/dev/null; do
  p="$(grep -o '"event":"upload.progress"[^}]*"percent":[0-9]*' "$tmp/first.err" | tail -1 | grep -o '[0-9]*$' || true)"
  if [ -n "$p" ] && [ "$p" -ge "$kill_at" ]; then kill -KILL "$pid"; killed_at="$p"; break; fi
  sleep 0.05
done
wait "$pid" 2>/dev/null || true
[ -n "$killed_at" ] || { echo "resume bench: the first run ended before $kill_at%" >&2; exit 1; }

# Second run: resumes at once (NBS_RESUME_IDLE=0: nothing else uploads this key).
start=$(date +%s.%N)
NBS_RESUME_IDLE=0 "${cmd[@]}" >"$tmp/second.out" 2>"$tmp/second.err"
end=$(date +%s.%N)
sha_file="$(sha256sum "$file" | cut -d' ' -f1)"
node -e '
  const [out, size, killedAt, secs, sha] = process.argv.slice(1);
  const r = JSON.parse(require("fs").readFileSync(out, "utf8"));
  const total = Number(size);
  console.log(JSON.stringify({
    size_bytes: total, killed_at_percent: Number(killedAt), outcome: r.outcome,
    sha256_matches_file: r.sha256 === sha,
    rerun_bytes_sent: r.bytes_sent, rerun_bytes_reused: r.bytes_reused,
    rerun_sent_ratio: +(r.bytes_sent / total).toFixed(3), rerun_seconds: +Number(secs).toFixed(2),
  }));
' "$tmp/second.out" "$((size_mib * 1024 * 1024))" "$killed_at" "$(echo "$end - $start" | bc)" "$sha_file"
