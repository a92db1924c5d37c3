#!/usr/bin/env bash
# make run: the main job. Scans a real tree with treescan (-q -p: no listing,
# progress and a summary line on stderr), then times GNU find on the same
# tree. The first scan meets the page cache as it is (parts of a big tree may
# have to come from disk; whoever runs first pays for that), so both are
# then timed once more on the cache the first runs warmed.
set -euo pipefail
build=${1:-build/release}
tree=${2:-/usr}
treescan=$build/tools/treescan/treescan
[[ -x $treescan ]] || { echo "run: $treescan not built (make build)" >&2; exit 1; }

# Seconds taken by a command (its output discarded; its failure ignored).
seconds() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  t1=$(date +%s%N)
  awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.3f", ns / 1e9 }'
}

echo "== treescan -q -p $tree (first scan: the page cache as it is)"
status=0
"$treescan" -q -p "$tree" || status=$?
echo "== GNU find $tree > /dev/null"
echo "find: $(seconds find "$tree") s elapsed"
ts=$(seconds "$treescan" -q "$tree")
fd=$(seconds find "$tree")
awk -v ts="$ts" -v fd="$fd" 'BEGIN {
  printf "== warm cache: treescan -q %.3f s, GNU find %.3f s (treescan takes %.2fx find'"'"'s time)\n", ts, fd, (fd > 0 ? ts / fd : 0) }'
# 1 = some directories were unreadable (reported above); the scan still ran.
((status <= 1)) || exit "$status"
