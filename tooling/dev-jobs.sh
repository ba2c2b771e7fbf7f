# shellcheck shell=bash
# Phases and background jobs for tooling/dev.sh: what runs side by side, how long each took.
#   phase <name> <command...>      run in the foreground, timed
#   job_start <name> <command...>  run in the background (own process group), output to
#                                  .nbs/logs/dev-<name>.log
#   job_wait <name>                wait for it, print its output, fail when it failed
#   jobs_kill_all                  stop the jobs still running (on an early exit)
#   phases_report                  one line per phase and job: seconds, the load average
# A job's function or command may be a shell function: the job is a subshell of dev.sh.

say() { echo "nbs dev: $*" >&2; }

declare -A NBS_JOB_PID=() NBS_JOB_START=()
NBS_PHASES=()
NBS_RUN_START=$SECONDS

phase() {
  local name="$1" start=$SECONDS
  shift
  say "phase $name: $*"
  "$@"
  NBS_PHASES+=("$name $((SECONDS - start))s")
}

job_start() {
  local name="$1"
  shift
  say "job $name started in the background: $*"
  NBS_JOB_START[$name]=$SECONDS
  set -m # its own process group, so jobs_kill_all reaches everything it spawned
  "$@" >".nbs/logs/dev-$name.log" 2>&1 </dev/null &
  NBS_JOB_PID[$name]=$!
  set +m
}

job_wait() {
  local name="$1" rc=0 waited=$SECONDS
  wait "${NBS_JOB_PID[$name]}" || rc=$?
  unset "NBS_JOB_PID[$name]"
  NBS_PHASES+=("$name $((SECONDS - NBS_JOB_START[$name]))s (waited $((SECONDS - waited))s)")
  say "job $name: output (.nbs/logs/dev-$name.log)"
  cat ".nbs/logs/dev-$name.log" >&2
  if [ "$rc" -ne 0 ]; then
    say "job $name failed (exit $rc)"
    return "$rc"
  fi
}

jobs_kill_all() {
  local name pid
  for name in "${!NBS_JOB_PID[@]}"; do
    pid="${NBS_JOB_PID[$name]}"
    say "stopping job $name (process group $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    unset "NBS_JOB_PID[$name]"
  done
}

phases_report() {
  local p
  [ ${#NBS_PHASES[@]} -gt 0 ] || return 0
  say "timings (load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores):"
  for p in "${NBS_PHASES[@]}"; do say "  $p"; done
  say "  total $((SECONDS - NBS_RUN_START))s"
}
