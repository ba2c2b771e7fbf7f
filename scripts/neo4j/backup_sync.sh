#!/usr/bin/env bash
# The scheduled job in one command: dump every database in ONE stop window (backup.sh, a set
# when there are several), then for each: upload (upload_backup_to_s3.sh) -> verify
# (verify_restore.sh). Every JSON log, result, report and
# the Markdown summary land in --log-dir, ready to keep as a CI artifact. See --help.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
me="backup_sync.sh"

usage() {
  cat <<'EOF'
backup_sync.sh --db NAME [--db NAME]... --out-dir DIR [options]

Dump one or more Neo4j databases in ONE stop window (several: one backup.sh run with every
--db, a local set with its manifest in <out-dir>/sets/), then upload and verify each, one after
the other. A database whose upload or verify fails is reported and the next one still runs; a
failed dump fails every database of the window (nothing is uploaded).

Options:
  --db NAME          database to back up; repeatable (env: NBS_DATABASES=a,b; default neo4j)
  --out-dir DIR      where the dumps go (env: NBS_OUT_DIR)
  --log-dir DIR      every JSON log, result, verify report and summary.md of this run
                     (env: NBS_LOG_DIR; default <out-dir>/logs/<UTC time>)
  --verify MODE      none | checksum | check | load (env: NBS_SYNC_VERIFY; default checksum):
                     live runs verify the uploaded object, dry runs the local dump
  --metrics-file PATH  every step writes its Prometheus metrics there (node_exporter's
                     textfile collector; env: NBS_METRICS_FILE). NBS_PUSHGATEWAY_URL=URL: every
                     step pushes them to that Pushgateway (never a flag: it may hold a password)
  --dry-run          same as DRY_RUN=1
  --help             this text

DRY_RUN=1: the dump and the verify run for real; the upload only prints its plan
(nbs-upload --dry-run), needs no credentials and writes nothing. BACKUP_S3_BUCKET may then be
unset. The CLIs read the rest of their configuration from the environment as usual:
BACKUP_S3_BUCKET, BACKUP_S3_PREFIX, BACKUP_S3_ENDPOINT, BACKUP_USE_SSE_KMS,
BACKUP_KMS_KEY_ARN, AWS_* (credentials by the SDK's default chain only), NEO4J_HOME,
NEO4J_URI + NEO4J_PASSWORD (graph statistics for the sidecar).

GITHUB_STEP_SUMMARY set: the Markdown summary is appended to it.
NBS_NOTIFY_WEBHOOK=URL: on failure, one JSON POST per failed database (Slack-compatible
"text" plus database, step, exit_code, key, run_url). The URL is never printed; a webhook
that fails is reported and does not change the exit code.
NBS_HEALTHCHECK_URL=URL: dead-man pings for the whole job (healthchecks.io protocol): /start
before the first dump, the bare URL when it exits 0, /<exit code> otherwise (the steps do not
ping on their own). A ping is bounded (NBS_HEALTHCHECK_TIMEOUT, default 10s), never changes
the exit code, and its URL is never printed.
A backup much smaller than the previous one (the upload's shrink guard, --max-shrink /
NBS_MAX_SHRINK, default 50%) is stored anyway, marked "shrank" in the summary and warned.

Exit codes (the highest code of any failed step; same meanings as the CLIs):
  0  success: every database dumped, uploaded (or planned in a dry run) and verified
  1  internal error (a bug) in a step
  2  usage or configuration error
  3  local input error: file missing, unreadable, empty, not a dump
  4  storage error: auth, access denied, missing bucket, network after retries
  5  integrity failure: checksum, size or metadata mismatch; conflicting existing object
  6  Neo4j failure: dump, check, load or smoke query failed
  130 interrupted (SIGINT/SIGTERM)
EOF
}

die_usage() {
  echo "$me: $1" >&2
  exit 2
}
say() { echo "$me: $*" >&2; }

dbs=()
out_dir="${NBS_OUT_DIR:-}"
log_dir="${NBS_LOG_DIR:-}"
verify_mode="${NBS_SYNC_VERIFY:-checksum}"
metrics_file="${NBS_METRICS_FILE:-}"
dry="${DRY_RUN:-0}"
while [ $# -gt 0 ]; do
  case "$1" in
    --db) [ $# -ge 2 ] || die_usage "--db needs a database name"; dbs+=("$2"); shift 2 ;;
    --db=*) dbs+=("${1#*=}"); shift ;;
    --out-dir) [ $# -ge 2 ] || die_usage "--out-dir needs a directory"; out_dir="$2"; shift 2 ;;
    --out-dir=*) out_dir="${1#*=}"; shift ;;
    --log-dir) [ $# -ge 2 ] || die_usage "--log-dir needs a directory"; log_dir="$2"; shift 2 ;;
    --log-dir=*) log_dir="${1#*=}"; shift ;;
    --verify) [ $# -ge 2 ] || die_usage "--verify needs none|checksum|check|load"; verify_mode="$2"; shift 2 ;;
    --verify=*) verify_mode="${1#*=}"; shift ;;
    --metrics-file) [ $# -ge 2 ] || die_usage "--metrics-file needs a path"; metrics_file="$2"; shift 2 ;;
    --metrics-file=*) metrics_file="${1#*=}"; shift ;;
    --dry-run) dry=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die_usage "unknown argument '$1'; see --help" ;;
  esac
done

case "$(echo "$dry" | tr '[:upper:]' '[:lower:]')" in
  1 | true | yes) dry=1 ;;
  0 | false | no | "") dry=0 ;;
  *) die_usage "DRY_RUN='$dry' is not a boolean; use DRY_RUN=1 (dry run) or DRY_RUN=0 (live)" ;;
esac
case "$verify_mode" in
  none | checksum | check | load) ;;
  *) die_usage "--verify '$verify_mode' is not one of none, checksum, check, load" ;;
esac
if [ ${#dbs[@]} -eq 0 ]; then
  IFS=', ' read -r -a dbs <<<"${NBS_DATABASES:-neo4j}"
fi
[ ${#dbs[@]} -gt 0 ] || die_usage "no database given; pass --db NAME or set NBS_DATABASES"
# Neo4j's naming rules, before a name reaches a path (dump, log dir, CI artifact): 3-63 ASCII
# letters, digits, '.' and '-', starting with a letter or digit, not ending with '.' or '-'.
for db in "${dbs[@]}"; do
  [[ "$db" =~ ^[A-Za-z0-9][A-Za-z0-9.-]{1,61}[A-Za-z0-9]$ ]] \
    || die_usage "'$db' is not a Neo4j database name; use 3-63 letters, digits, '.' and '-', starting with a letter or digit"
done
[ -n "$out_dir" ] || die_usage "no --out-dir; pass --out-dir DIR (or set NBS_OUT_DIR) for the dumps"
command -v node >/dev/null 2>&1 || die_usage "node not found; install Node.js >= 22"
[ -n "$log_dir" ] || log_dir="$out_dir/logs/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out_dir" "$log_dir" || die_usage "cannot create $out_dir or $log_dir; pick writable directories"
log_dir="$(cd "$log_dir" && pwd)"

# The CLIs would read these from the environment; this script decides them per step instead.
unset NBS_DRY_RUN NBS_FILE NBS_DB NBS_JSON NBS_REPORT NBS_SUMMARY_MD NBS_S3_URI NBS_LATEST NBS_KEY
export NBS_LOG_FORMAT=json
bucket="${BACKUP_S3_BUCKET:-}"
if [ "$dry" = 1 ] && [ -z "$bucket" ]; then bucket="dry-run-bucket"; fi
# Checked before any dump: a live run that cannot upload must not stop Neo4j for nothing.
[ -n "$bucket" ] || die_usage "no bucket; set BACKUP_S3_BUCKET (or run with DRY_RUN=1)"

# Dead-man pings are the job's, not each step's: the URL stays in this shell, out of the steps' env.
hc_url="${NBS_HEALTHCHECK_URL:-}"
unset NBS_HEALTHCHECK_URL
hc_rid="$(node -e 'console.log(require("crypto").randomUUID())')"
hc_ping() {
  [ -n "$hc_url" ] || return 0
  NBS_HEALTHCHECK_URL="$hc_url" NBS_HEALTHCHECK_RID="$hc_rid" node "$here/_healthcheck.mjs" "$1" "backup_sync.sh" || true
}
hc_ping start

# The steps write their metrics into one file (each its own series, by database and prefix).
unset NBS_METRICS_FILE
metrics_args=()
[ -z "$metrics_file" ] || metrics_args=(--metrics-file "$metrics_file")

# One field of a JSON file (empty when missing): the CLIs' --json results and reports.
json_field() {
  node -e 'try { const v = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[process.argv[2]]; if (v !== undefined && v !== null) console.log(v) } catch {}' "$1" "$2"
}

# The file of one member in a set dump's --json result (empty when missing).
member_file() {
  node -e 'try { const m = (JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).members ?? []).find((x) => x.db === process.argv[2]); if (m) console.log(m.file) } catch {}' "$1" "$2"
}

# Run one step: stdout (its JSON result) to <db>.<step>.json, its JSON log lines to
# <db>.<step>.log and to our stderr. Sets step_rc.
run_step() {
  local db="$1" step="$2"
  shift 2
  say "$db: $step"
  set +e
  "$@" 2>&1 >"$log_dir/$db.$step.json" | tee "$log_dir/$db.$step.log" >&2
  step_rc=${PIPESTATUS[0]}
  set -e
}

worst=0
note_rc() { if [ "$1" -gt "$worst" ]; then worst="$1"; fi; }

# The upload's shrink record as "<drop>% vs <previous key>" (empty when none).
shrink_of() {
  node -e 'try { const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).shrink; if (s) console.log(Math.round((1 - s.ratio) * 100) + "% vs " + s.from_key) } catch {}' "$1"
}
shrinks=()

# Per database: "db|dump|upload|verify|key|failed step|exit code", for the summary and webhook.
rows=()
interrupted=0
trap 'interrupted=1' INT TERM

# Several databases: one dump step, one stop window for all of them (logs: _set.dump.*; "_set"
# is no database name).
set_rc=0
if [ ${#dbs[@]} -gt 1 ]; then
  db_args=()
  for db in "${dbs[@]}"; do db_args+=(--db "$db"); done
  run_step _set dump "$here/backup.sh" "${db_args[@]}" --out-dir "$out_dir" --json
  set_rc=$step_rc
fi

for db in "${dbs[@]}"; do
  [ "$interrupted" = 0 ] || break
  dump_s="-" upload_s="-" verify_s="-" key="" failed="" rc=0 file=""
  if [ ${#dbs[@]} -gt 1 ]; then
    file="$(member_file "$log_dir/_set.dump.json" "$db")"
    if [ "$set_rc" -eq 0 ] && [ -n "$file" ]; then
      dump_s="dumped"
      # The window's downtime, shared by every database of the set.
      downtime_ms="$(json_field "$log_dir/_set.dump.json" downtime_ms)"
      [ -z "$downtime_ms" ] || dump_s="$dump_s, down $(awk -v ms="$downtime_ms" 'BEGIN { printf "%.1f", ms / 1000 }') s (one window)"
    else
      rc=$set_rc
      [ "$rc" -ne 0 ] || rc=1
      dump_s="failed ($rc)" failed=dump
    fi
  else
    run_step "$db" dump "$here/backup.sh" --db "$db" --out-dir "$out_dir" --json "${metrics_args[@]}"
    if [ "$step_rc" -eq 0 ]; then
      dump_s="$(json_field "$log_dir/$db.dump.json" outcome)"
      file="$(json_field "$log_dir/$db.dump.json" file)"
      # How long Neo4j did not answer Bolt for this dump (measured when NEO4J_URI is set).
      downtime_ms="$(json_field "$log_dir/$db.dump.json" downtime_ms)"
      [ -z "$downtime_ms" ] || dump_s="$dump_s, down $(awk -v ms="$downtime_ms" 'BEGIN { printf "%.1f", ms / 1000 }') s"
    else
      dump_s="failed ($step_rc)" failed=dump rc=$step_rc
    fi
  fi

  if [ -z "$failed" ]; then
    up_args=(--file "$file" --bucket "$bucket" --json "${metrics_args[@]}")
    [ "$dry" = 0 ] || up_args+=(--dry-run)
    run_step "$db" upload "$here/upload_backup_to_s3.sh" "${up_args[@]}"
    key="$(json_field "$log_dir/$db.upload.json" key)"
    if [ -z "$key" ]; then # a failed upload prints no result; its key is still deterministic
      prefix="${BACKUP_S3_PREFIX:-}"
      prefix="${prefix#"${prefix%%[!/]*}"}" && prefix="${prefix%"${prefix##*[!/]}"}"
      key="${prefix:+$prefix/}$db/$(basename "$file")"
    fi
    if [ "$step_rc" -eq 0 ]; then
      upload_s="$(json_field "$log_dir/$db.upload.json" outcome)"
      shrank="$(shrink_of "$log_dir/$db.upload.json")"
      if [ -n "$shrank" ]; then
        upload_s="$upload_s, shrank ${shrank%% *}"
        shrinks+=("$db|${shrank%% *}|${shrank#* vs }")
        say "$db: WARNING the backup shrank ${shrank%% *} against ${shrank#* vs }; it is stored anyway: check the database was not emptied by mistake"
      fi
    else
      upload_s="failed ($step_rc)" failed=upload rc=$step_rc
    fi
  fi

  if [ -z "$failed" ] && [ "$verify_mode" != none ]; then
    if [ "$dry" = 1 ]; then
      source_args=(--file "$file")
    else
      source_args=(--s3-uri "s3://$bucket/$key")
    fi
    run_step "$db" verify "$here/verify_restore.sh" "${source_args[@]}" --db "$db" \
      --mode "$verify_mode" --report "$log_dir/$db.verify.json" --summary-md "$log_dir/$db.verify.md" \
      "${metrics_args[@]}"
    if [ "$step_rc" -eq 0 ]; then
      verify_s="$(json_field "$log_dir/$db.verify.json" outcome)"
      verify_s="${verify_s:-ok} ($verify_mode)"
    else
      verify_s="failed ($step_rc)" failed=verify rc=$step_rc
    fi
  elif [ -z "$failed" ]; then
    verify_s="not asked"
  fi
  note_rc "$rc"
  [ "$rc" -ne 130 ] || interrupted=1
  rows+=("$db|$dump_s|$upload_s|$verify_s|$key|$failed|$rc")
done
if [ "$interrupted" = 1 ]; then note_rc 130; fi

mode_word="live"
[ "$dry" = 0 ] || mode_word="dry run (nothing uploaded)"
{
  if [ "$worst" -eq 0 ]; then
    echo "### Neo4j backup sync: ok, $mode_word"
  else
    echo "### Neo4j backup sync: FAILED (exit $worst), $mode_word"
  fi
  echo
  echo "| database | dump | upload | verify | key | exit |"
  echo "| --- | --- | --- | --- | --- | --- |"
  for row in "${rows[@]}"; do
    IFS='|' read -r db d u v k _ c <<<"$row"
    echo "| $db | $d | $u | $v | ${k:+\`$k\`} | $c |"
  done
  [ "$interrupted" = 0 ] || echo "| (interrupted) | | | | | 130 |"
  for s in "${shrinks[@]}"; do
    echo
    IFS='|' read -r s_db s_pct s_from <<<"$s"
    echo "> ⚠️ **$s_db**: this backup is $s_pct smaller than the previous one (\`$s_from\`); stored anyway (shrink in its sidecar). Check the database was not emptied by mistake."
  done
  echo
  echo "Logs, results and reports: \`$log_dir\`"
  for row in "${rows[@]}"; do
    [ -s "$log_dir/${row%%|*}.verify.md" ] || continue
    echo
    cat "$log_dir/${row%%|*}.verify.md"
  done
} >"$log_dir/summary.md"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$log_dir/summary.md" >>"$GITHUB_STEP_SUMMARY"; fi

run_url=""
if [ -n "${GITHUB_RUN_ID:-}" ] && [ -n "${GITHUB_REPOSITORY:-}" ]; then
  run_url="${GITHUB_SERVER_URL:-https://github.com}/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID"
fi
# result.json, and the webhook for each failed database; the URL stays in the environment.
NBS_SYNC_DRY="$dry" NBS_SYNC_EXIT="$worst" NBS_SYNC_RUN_URL="$run_url" NBS_SYNC_LOG_DIR="$log_dir" \
  node "$here/_sync_result.mjs" "${rows[@]}" || say "could not write result.json or send the webhook; the exit code is unchanged"

say "summary: $log_dir/summary.md; exit $worst"
hc_ping "$worst"
exit "$worst"
