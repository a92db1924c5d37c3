#!/usr/bin/env bash
# make run: the main job. Scans a real tree with treescan (-q -p: no listing,
# progress and a summary line on stderr), then times GNU find on the same tree.
set -euo pipefail
build=${1:-build/release}
tree=${2:-/usr}
treescan=$build/tools/treescan/treescan
[[ -x $treescan ]] || { echo "run: $treescan not built (make build)" >&2; exit 1; }
echo "== treescan -q -p $tree"
status=0
"$treescan" -q -p "$tree" || status=$?
echo "== GNU find $tree > /dev/null"
TIMEFORMAT='find: %R s elapsed'
time (find "$tree" >/dev/null 2>&1 || true)
# 1 = some directories were unreadable (reported above); the scan still ran.
((status <= 1)) || exit "$status"
