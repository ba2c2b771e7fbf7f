#!/usr/bin/env bash
# Writes the benchmark graph's CSV for neo4j-admin database import: N nodes (:Item {id, name: 100
# random base64 chars, n}) and N relationships (:NEXT {w}) in a ring with skips. About 260 bytes
# of store per node with its relationship: N = 4,500,000 gives a store of more than 1 GiB.
#   bash gen.sh N DIR
set -euo pipefail
n="$1" dir="$2"
mkdir -p "$dir"
{
  echo "id:ID,name,n:long,:LABEL"
  head -c $((n * 75)) /dev/urandom | base64 -w 100 | head -n "$n" \
    | awk '{ printf "%d,%s,%d,Item\n", NR - 1, $0, (NR - 1) * 7 }'
} >"$dir/nodes.csv"
awk -v n="$n" 'BEGIN {
  print ":START_ID,:END_ID,w:double,:TYPE"
  for (i = 0; i < n; i++) printf "%d,%d,%.3f,NEXT\n", i, (i * 31 + 1) % n, (i % 1000) / 7
}' >"$dir/rels.csv"
