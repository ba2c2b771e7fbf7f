#!/usr/bin/env bash
# Neo4j servers left behind: a server JVM (org.neo4j.server.CommunityEntryPoint) whose home
# (--home-dir) no longer exists was started by a suite that deleted the home without stopping
# it. It keeps burning CPU and memory until the machine goes away. tooling/dev.sh runs this after
# the integration suites and reports (and stops) any it finds.
#   neo4j-orphans.sh [since]  print one line per orphan started at or after `since` (seconds
#                             since boot, as in /proc/uptime; default 0: any); exit 1 if any
set -euo pipefail
since="${1:-0}"
ticks="$(getconf CLK_TCK)"
found=0
while read -r file; do
  dir="${file%/cmdline}" pid="${file#/proc/}" pid="${pid%/cmdline}"
  cmdline="$(tr '\0' '\n' 2>/dev/null <"$dir/cmdline")" || continue # gone meanwhile
  grep -qx 'org.neo4j.server.CommunityEntryPoint' <<<"$cmdline" || continue
  home="$(sed -n 's/^--home-dir=//p' <<<"$cmdline" | head -n 1)"
  if [ -z "$home" ] || [ -d "$home" ]; then continue; fi
  stat="$(cat 2>/dev/null <"$dir/stat")" || continue
  # field 22 of /proc/<pid>/stat counts from after the ")": the 20th there
  started="$(awk '{print $20}' <<<"${stat##*) }")"
  [ $((started / ticks)) -ge "${since%.*}" ] || continue
  echo "pid $pid: Neo4j server whose home $home is gone"
  found=1
done < <(grep -lsaF org.neo4j.server.CommunityEntryPoint /proc/[0-9]*/cmdline)
exit "$found"
