#!/usr/bin/env bash
# Neo4j servers left behind: a server JVM (org.neo4j.server.CommunityEntryPoint) whose home
# (--home-dir) no longer exists was started in a home that a suite then deleted without stopping
# the server (docs/ci-time.md, "A Neo4j left running"). It keeps burning CPU and memory until the
# machine goes away. tooling/dev.sh runs this with --stop after the integration suites and fails
# the run when it finds one.
#   neo4j-orphans.sh [--stop] [since]  print one line per orphan started at or after `since`
#                      (seconds since boot, as in /proc/uptime; default 0: any), naming its pid
#                      and home; exit 1 if any. --stop (dev.sh test) also stops each one
#                      (SIGTERM, SIGKILL after 30 s) and prints its line as a failure.
# Only this user's processes count (a container's Neo4j runs as another uid and serves a home
# that exists only inside it). NBS_ORPHANS_HOME_PREFIX, when set, limits the check to homes under
# that prefix (the unit test's own, so that it never touches another run's servers).
set -euo pipefail
stop=false
if [ "${1:-}" = --stop ]; then
  stop=true
  shift
fi
since="${1:-0}"
ticks="$(getconf CLK_TCK)"
found=0

# Running: not gone, and not a zombie its parent has yet to reap.
alive() {
  local stat
  stat="$(cat 2>/dev/null <"/proc/$1/stat")" || return 1
  [[ "${stat##*) }" != [ZX]* ]]
}

# SIGTERM, then SIGKILL if it still runs after 30 s (its data is gone: nothing to flush).
# Fails when it is still running afterwards (e.g. not ours to signal).
stop_pid() {
  local pid="$1" i
  kill "$pid" 2>/dev/null || ! alive "$pid" || return 1
  for ((i = 0; i < 300; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  sleep 0.5
  ! alive "$pid"
}

while read -r file; do
  dir="${file%/cmdline}" pid="${file#/proc/}" pid="${pid%/cmdline}"
  [ -O "$dir" ] || continue
  cmdline="$(tr '\0' '\n' 2>/dev/null <"$dir/cmdline")" || continue # gone meanwhile
  grep -qx 'org.neo4j.server.CommunityEntryPoint' <<<"$cmdline" || continue
  home="$(sed -n 's/^--home-dir=//p' <<<"$cmdline" | head -n 1)"
  if [ -z "$home" ] || [ -d "$home" ]; then continue; fi
  case "$home" in "${NBS_ORPHANS_HOME_PREFIX:-}"*) ;; *) continue ;; esac
  stat="$(cat 2>/dev/null <"$dir/stat")" || continue
  # field 22 of /proc/<pid>/stat counts from after the ")": the 20th there
  started="$(awk '{print $20}' <<<"${stat##*) }")"
  [ $((started / ticks)) -ge "${since%.*}" ] || continue
  if $stop; then
    if stop_pid "$pid"; then outcome="stopped now"; else outcome="could NOT be stopped: kill it"; fi
    echo "neo4j-orphans: FAIL: pid $pid: Neo4j server whose home $home is gone ($outcome): a suite deleted its Neo4j home with a server still running in it (docs/ci-time.md)"
  else
    echo "pid $pid: Neo4j server whose home $home is gone"
  fi
  found=1
done < <(grep -lsaF org.neo4j.server.CommunityEntryPoint /proc/[0-9]*/cmdline)
exit "$found"
