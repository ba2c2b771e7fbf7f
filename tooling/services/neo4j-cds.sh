#!/usr/bin/env bash
# Class Data Sharing for the test JVMs of a cached Neo4j install (tooling/dev.sh): one AppCDS
# archive of the classes a Neo4j server, neo4j-admin (dump, load, info, set-initial-password) and
# their bootloaders load, so each JVM maps them parsed and verified instead of loading them from
# the jars. Measured on Neo4j 5.26 / Java 17: about 40 % less CPU per Neo4j start and per
# neo4j-admin call. Never used in production: only tooling/dev.sh passes it, via JAVA_OPTS.
#   neo4j-cds.sh path  [version]  the archive's path (whether or not it exists yet)
#   neo4j-cds.sh build [version]  build it when missing or made for another JDK build (one
#                                 Neo4j lifecycle plus a dump: 2-3 CPU-min, once); print its path
# A JVM ignores an archive that is missing or does not match (another JDK, classpath or GC) and
# loads its classes the usual way; `-Xlog:cds=off` keeps that silent (dev.sh).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

version="${2:-${NEO4J_VERSION:-5.26.30}}"
cds="$NBS_CACHE_DIR/neo4j/$version/cds"
archive="$cds/neo4j.jsa"
# The JVM options the archive is made for: those of tooling/dev.sh (the GC must match).
opts=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:off)

build() {
  local install home work java jdk list http bolt
  install="$(bash "$NBS_REPO_ROOT/tooling/services/neo4j-install.sh" "$version")"
  java="$(NBS_LAUNCHER_JAVA_HOME=1 NEO4J_HOME="$install" bash "$NBS_REPO_ROOT/tooling/services/neo4j/launcher")/bin/java"
  jdk="$("$java" -Xshare:off -version 2>&1 | tail -n 1)"
  if [ -f "$archive" ] && [ "$(cat "$cds/jdk" 2>/dev/null)" = "$jdk" ]; then
    echo "$archive"
    return
  fi
  nbs_log "building the CDS archive for Neo4j $version ($jdk) into $cds, once"
  work="$(mktemp -d "${TMPDIR:-/tmp}/nbs-neo4j-cds.XXXXXX")"
  home="$work/home"
  # shellcheck disable=SC2064 # expand now: the paths are fixed
  trap "NEO4J_HOME='$home' NEO4J_CONF='$home/conf' '$install/bin/neo4j' stop >/dev/null 2>&1 || true; rm -rf '$work'" EXIT
  mkdir -p "$home/conf" "$work/dumps"
  ln -s "$install/bin" "$home/bin"
  ln -s "$install/lib" "$home/lib"
  bolt="$(nbs_free_port)"
  http="$(nbs_free_port)"
  while [ "$http" = "$bolt" ]; do http="$(nbs_free_port)"; done
  sed -E -e "s/:7687$/:$bolt/" -e "s/:7474$/:$http/" "$install/conf/neo4j.conf" >"$home/conf/neo4j.conf"
  export NEO4J_HOME="$home" NEO4J_CONF="$home/conf"
  # Each step: the bootloader lists its classes to one file, the JVM it spawns (JAVA_OPTS) to another.
  step() {
    local name="$1"
    shift
    JAVA_OPTS="${opts[*]} -XX:DumpLoadedClassList=$work/$name-child.lst" \
      "$java" "${opts[@]}" "-XX:DumpLoadedClassList=$work/$name-boot.lst" -cp "$home/lib/*" "$@"
  }
  local password
  password="$(nbs_random_secret 24)"
  step password org.neo4j.server.startup.Neo4jAdminCommand dbms set-initial-password "$password" >/dev/null
  step start org.neo4j.server.startup.Neo4jCommand start >/dev/null
  # Ready, and a write and a read: the classes of a Cypher transaction over HTTP and storage.
  local i
  for ((i = 0; i < 600; i++)); do
    printf 'user = "neo4j:%s"\n' "$password" | curl -fsS -o /dev/null --max-time 5 -K - \
      -H 'content-type: application/json' \
      -d '{"statements":[{"statement":"UNWIND range(1, 10) AS i CREATE (:N {i: i})-[:R]->(:M) RETURN count(*)"}]}' \
      "http://127.0.0.1:$http/db/neo4j/tx/commit" 2>/dev/null && break
    sleep 0.5
  done
  step stop org.neo4j.server.startup.Neo4jCommand stop >/dev/null
  step dump org.neo4j.server.startup.Neo4jAdminCommand database dump neo4j --to-path="$work/dumps" >/dev/null 2>&1
  step load org.neo4j.server.startup.Neo4jAdminCommand database load neo4j --from-path="$work/dumps" --overwrite-destination=true >/dev/null 2>&1
  step info org.neo4j.server.startup.Neo4jAdminCommand database info neo4j >/dev/null 2>&1
  # One list (first occurrence kept); the JVM's class list reader takes lines up to 4096 chars.
  list="$work/classes.lst"
  cat "$work"/*.lst | grep -v '^#' | awk 'length($0) < 4000 && !seen[$0]++' >"$list"
  mkdir -p "$cds"
  "$java" "${opts[@]/-Xshare:off/-Xshare:dump}" -XX:SharedClassListFile="$list" \
    -XX:SharedArchiveFile="$work/neo4j.jsa" -cp "$install/lib/*" >"$work/dump.log" 2>&1 \
    || { tail -n 20 "$work/dump.log" >&2; nbs_die "could not dump the CDS archive (log above)"; }
  mv "$work/neo4j.jsa" "$archive"
  echo "$jdk" >"$cds/jdk"
  echo "$archive"
}

case "${1:-}" in
  path) echo "$archive" ;;
  build) build ;;
  *) echo "usage: neo4j-cds.sh path|build [version]" >&2; exit 2 ;;
esac
