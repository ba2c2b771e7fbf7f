#!/usr/bin/env bash
# Writes the restore benchmark's graph as CSV for neo4j-admin database import: N nodes
# (:Item {id, name: 100 random base64 chars, n}) and R×N relationships (:NEXT {w}), R rings with
# different skips (R = 2 gives the 1M nodes / 2M relationships for N = 1,000,000).
#   bash gen.sh N R DIR
set -euo pipefail
n="$1" r="$2" dir="$3"
mkdir -p "$dir"
{
  echo "id:ID,name,n:long,:LABEL"
  head -c $((n * 75)) /dev/urandom | base64 -w 100 | head -n "$n" \
    | awk '{ printf "%d,%s,%d,Item\n", NR - 1, $0, (NR - 1) * 7 }'
} >"$dir/nodes.csv"
awk -v n="$n" -v r="$r" 'BEGIN {
  print ":START_ID,:END_ID,w:double,:TYPE"
  for (k = 0; k < r; k++)
    for (i = 0; i < n; i++) printf "%d,%d,%.3f,NEXT\n", i, (i * (31 + 2 * k) + 1 + k) % n, (i % 1000) / 7
}' >"$dir/rels.csv"
