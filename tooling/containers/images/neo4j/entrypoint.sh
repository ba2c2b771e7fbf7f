#!/bin/bash
# Entrypoint of nbs's Neo4j Community image (nbs's own code; the official image's interface):
#  - started as root: hands /data, /logs (and /backups when empty or root's) to neo4j
#    (uid/gid 7474) and runs everything as that user (setpriv): Neo4j must never write its
#    store as root, or it cannot start as neo4j again;
#  - `neo4j …` and `neo4j-admin …` get the configuration: /data, /logs, listening on all
#    interfaces, NEO4J_AUTH (neo4j/<password> sets the initial password once, none turns
#    authentication off) and NEO4J_<setting> variables (NEO4J_server_memory_heap_max__size=1g
#    -> server.memory.heap.max_size=1g: `_` is `.`, `__` is `_`);
#  - anything else runs as given (e.g. /bin/bash).
set -euo pipefail
home="${NEO4J_HOME:-/var/lib/neo4j}"
conf="$home/conf/neo4j.conf"

die() { echo "neo4j entrypoint: $*" >&2; exit 1; }

if [ "$(id -u)" = 0 ] && [ "${1:-}" != "" ] && [[ "$1" == neo4j* ]]; then
  for dir in /data /logs /backups; do
    [ -d "$dir" ] || continue
    # Only the directory itself unless root owns what is inside (a volume made by root).
    if [ "$(stat -c %u "$dir")" != 7474 ]; then chown 7474:7474 "$dir"; fi
    if [ -n "$(find "$dir" -mindepth 1 -maxdepth 3 -uid 0 -print -quit)" ]; then chown -R 7474:7474 "$dir"; fi
  done
  chown 7474:7474 "$home/conf" "$home/conf/neo4j.conf" "$home/run"
  exec setpriv --reuid=7474 --regid=7474 --init-groups "$0" "$@"
fi

case "${1:-}" in
  neo4j | neo4j-admin) ;;
  *) exec "$@" ;;
esac

# The configuration: the image's defaults, then NEO4J_<setting> variables. Neo4j refuses a
# setting declared twice, so a variable replaces the default of the same name.
declare -A value=()
order=()
set_conf() { [ -n "${value[$1]+x}" ] || order+=("$1"); value[$1]="$2"; }
while IFS= read -r line; do
  [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
  set_conf "${line%%=*}" "${line#*=}"
done <"$home/conf/neo4j.conf.image"
set_conf server.directories.data /data
set_conf server.directories.logs /logs
set_conf server.directories.import "$home/import"
set_conf server.directories.plugins "$home/plugins"
set_conf server.directories.run "$home/run"
set_conf server.default_listen_address 0.0.0.0
while IFS='=' read -r name val; do
  case "$name" in
    NEO4J_AUTH | NEO4J_HOME | NEO4J_CONF | NEO4J_EDITION | NEO4J_ACCEPT_LICENSE_AGREEMENT | NEO4J_PASSWORD) continue ;;
    NEO4J_*) ;;
    *) continue ;;
  esac
  setting="${name#NEO4J_}"
  setting="${setting//__/@}"
  setting="${setting//_/.}"
  set_conf "${setting//@/_}" "$val"
done < <(env)
if [ "${NEO4J_AUTH:-}" = none ]; then set_conf dbms.security.auth_enabled false; fi
for key in "${order[@]}"; do echo "$key=${value[$key]}"; done >"$conf.tmp"
mv "$conf.tmp" "$conf"

# NEO4J_AUTH: neo4j/<password> (once, before the first start) or none.
auth="${NEO4J_AUTH:-}"
if [ "$1" = neo4j ] && [ -n "$auth" ]; then
  if [ "$auth" != none ]; then
    [[ "$auth" == neo4j/* ]] || die "NEO4J_AUTH must be neo4j/<password> or none"
    password="${auth#neo4j/}"
    [ "${#password}" -ge 8 ] || die "NEO4J_AUTH: the password must have at least 8 characters"
    if [ ! -f "${value[server.directories.data]}/dbms/auth.ini" ]; then
      neo4j-admin dbms set-initial-password "$password" >/dev/null
    fi
  fi
fi

exec "$@"
