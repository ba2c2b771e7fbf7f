#!/usr/bin/env bash
# Install Neo4j Community <version> into $NBS_CACHE_DIR/neo4j/<version> laid out like the
# operator's tarball: lib/ (jars resolved from Maven Central, which carries no distribution
# archive), bin/neo4j, bin/neo4j-admin, conf/neo4j.conf. Prints the install dir on stdout.
#   usage: neo4j-install.sh [version]   (default: $NEO4J_VERSION, else 5.26.30)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

version="${1:-${NEO4J_VERSION:-5.26.30}}"
dir="$NBS_CACHE_DIR/neo4j/$version"
src="$NBS_REPO_ROOT/tooling/services/neo4j"

if [ ! -f "$dir/lib/.complete" ]; then
  nbs_require java "install a JDK (apt-get install openjdk-17-jre-headless; Neo4j 2025.x+ needs 21+)"
  nbs_require mvn "install Maven >= 3.8 (apt-get install maven)"
  nbs_log "resolving Neo4j $version jars from Maven Central into $dir/lib"
  work="$(mktemp -d "${TMPDIR:-/tmp}/nbs-neo4j-resolve.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>nbs.tooling</groupId><artifactId>neo4j-resolve</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j</artifactId><version>$version</version></dependency>
  </dependencies>
</project>
POM
  if ! mvn -q -B -f "$work/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$work/lib" >"$work/mvn.log" 2>&1; then
    tail -n 20 "$work/mvn.log" >&2
    nbs_die "could not resolve org.neo4j:neo4j:$version with mvn (log above)"
  fi
  mkdir -p "$dir"
  rm -rf "$dir/lib"
  mv "$work/lib" "$dir/lib"
  touch "$dir/lib/.complete"
fi

# Launchers and default conf are cheap: refresh them on every run so edits here take effect.
mkdir -p "$dir/bin" "$dir/conf"
install -m 0755 "$src/launcher" "$dir/bin/neo4j"
install -m 0755 "$src/launcher" "$dir/bin/neo4j-admin"
install -m 0644 "$src/neo4j.conf" "$dir/conf/neo4j.conf"
echo "$dir"
